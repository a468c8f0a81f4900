package assistant_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/indexer"
)

// newTestEmbedder returns an embedder for f with fast retries; change adjusts the config.
func newTestEmbedder(t *testing.T, f *fakeEmbeddings, model string, change func(*assistant.OpenAIConfig)) *assistant.OpenAIEmbedder {
	t.Helper()
	c := assistant.OpenAIConfig{
		BaseURL:    f.baseURL(),
		APIKey:     "test-key",
		EmbedModel: model,
		RetryBase:  2 * time.Millisecond,
		Logger:     slog.New(slog.DiscardHandler),
	}
	if change != nil {
		change(&c)
	}
	e, err := assistant.NewOpenAIEmbedder(c)
	if err != nil {
		t.Fatalf("NewOpenAIEmbedder: %v", err)
	}
	return e
}

// unitOf returns v scaled to unit length, in float64 for comparisons.
func unitOf(v []float32) []float64 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x) / math.Sqrt(ss)
	}
	return out
}

func TestOpenAIEmbedderBatchesInOrder(t *testing.T) {
	f := newFakeEmbeddings(t, 8, nil)
	e := newTestEmbedder(t, f, "nomic-embed-text", func(c *assistant.OpenAIConfig) {
		c.EmbedDims = 8
		c.BatchSize = 3
	})
	texts := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"}
	got, err := e.Embed(t.Context(), texts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}

	calls := f.calls()
	var sizes []int
	for _, c := range calls {
		sizes = append(sizes, len(c.Input))
		if c.Auth != "Bearer test-key" {
			t.Errorf("Authorization = %q, want %q", c.Auth, "Bearer test-key")
		}
		if c.Model != "nomic-embed-text" || c.EncodingFormat != "float" || c.Dimensions != 0 {
			t.Errorf("request model %q, encoding_format %q, dimensions %d; want nomic-embed-text, float, 0",
				c.Model, c.EncodingFormat, c.Dimensions)
		}
	}
	if diff := cmp.Diff([]int{3, 3, 1}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
	if len(got) != len(texts) {
		t.Fatalf("Embed returned %d vectors, want %d", len(got), len(texts))
	}
	for i, text := range texts {
		want := unitOf(fakeVector(text, 8))
		var norm float64
		for k, x := range got[i] {
			norm += float64(x) * float64(x)
			if math.Abs(float64(x)-want[k]) > 1e-6 {
				t.Fatalf("vector %d (%q)[%d] = %v, want %v: order or scale lost", i, text, k, x, want[k])
			}
		}
		if math.Abs(norm-1) > 1e-5 {
			t.Errorf("vector %d has squared norm %v, want 1", i, norm)
		}
	}
}

func TestOpenAIEmbedderBlankTexts(t *testing.T) {
	f := newFakeEmbeddings(t, 4, nil)
	e := newTestEmbedder(t, f, "m", func(c *assistant.OpenAIConfig) { c.EmbedDims = 4 })
	got, err := e.Embed(t.Context(), []string{"", "words", "  \n"})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	want := [][]float32{{0, 0, 0, 0}, nil, {0, 0, 0, 0}}
	for _, i := range []int{0, 2} {
		if diff := cmp.Diff(want[i], got[i]); diff != "" {
			t.Errorf("blank text %d: vector (-want +got):\n%s", i, diff)
		}
	}
	if calls := f.calls(); len(calls) != 1 || len(calls[0].Input) != 1 || calls[0].Input[0] != "words" {
		t.Errorf("requests = %+v, want one with just %q", calls, "words")
	}
}

func TestOpenAIEmbedderWrongDimensions(t *testing.T) {
	tests := []struct {
		name, model string
		dims        int // EmbedDims in the config
		want        string
	}{
		{"configured dims", "x", 1536, `embedding model "x" returned 384 dimensions, want 1536 (set PORTAL_EMBED_DIMS or change the model)`},
		{"known model", "text-embedding-3-large", 0, `embedding model "text-embedding-3-large" returned 384 dimensions, want 3072`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeEmbeddings(t, 384, nil)
			e := newTestEmbedder(t, f, tt.model, func(c *assistant.OpenAIConfig) { c.EmbedDims = tt.dims })
			_, err := e.Embed(t.Context(), []string{"one text"})
			if !errors.Is(err, indexer.ErrModelMismatch) {
				t.Fatalf("Embed error = %v, want one wrapping indexer.ErrModelMismatch", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Embed error = %q, want it to contain %q", err, tt.want)
			}
			if err := e.Probe(t.Context()); !errors.Is(err, indexer.ErrModelMismatch) {
				t.Errorf("Probe error = %v, want one wrapping indexer.ErrModelMismatch", err)
			}
			if len(f.calls()) != 2 {
				t.Errorf("%d requests, want 2: a mismatch must not be retried", len(f.calls()))
			}
		})
	}
}

func TestOpenAIEmbedderProbe(t *testing.T) {
	f := newFakeEmbeddings(t, 384, nil)
	e := newTestEmbedder(t, f, "all-minilm", nil)
	if e.Dims() != 0 || e.Model() != "openai:all-minilm:0" {
		t.Errorf("before Probe: Dims() = %d, Model() = %q; want 0, openai:all-minilm:0", e.Dims(), e.Model())
	}
	if _, err := e.Embed(t.Context(), []string{"too early"}); err == nil || !strings.Contains(err.Error(), "unknown dimensions") {
		t.Errorf("Embed before Probe: error = %v, want unknown dimensions", err)
	}
	if err := e.Probe(t.Context()); err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if e.Dims() != 384 || e.Model() != "openai:all-minilm:384" {
		t.Errorf("after Probe: Dims() = %d, Model() = %q; want 384, openai:all-minilm:384", e.Dims(), e.Model())
	}
	got, err := e.Embed(t.Context(), []string{"now it works"})
	if err != nil || len(got) != 1 || len(got[0]) != 384 {
		t.Errorf("Embed after Probe = %d vectors, %v; want one of 384", len(got), err)
	}
}

func TestOpenAIEmbedderDimsAndModel(t *testing.T) {
	tests := []struct {
		model     string
		dims      int // EmbedDims in the config
		wantDims  int
		wantModel string
		wantField int // "dimensions" sent in the request
	}{
		{"text-embedding-3-small", 0, 1536, "openai:text-embedding-3-small:1536", 0},
		{"text-embedding-3-small", 512, 512, "openai:text-embedding-3-small:512", 512},
		{"text-embedding-3-large", 0, 3072, "openai:text-embedding-3-large:3072", 0},
		{"text-embedding-ada-002", 0, 1536, "openai:text-embedding-ada-002:1536", 0},
		{"nomic-embed-text", 768, 768, "openai:nomic-embed-text:768", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.model, tt.dims), func(t *testing.T) {
			f := newFakeEmbeddings(t, tt.wantDims, nil)
			e := newTestEmbedder(t, f, tt.model, func(c *assistant.OpenAIConfig) { c.EmbedDims = tt.dims })
			if e.Dims() != tt.wantDims || e.Model() != tt.wantModel {
				t.Errorf("Dims() = %d, Model() = %q; want %d, %q", e.Dims(), e.Model(), tt.wantDims, tt.wantModel)
			}
			if err := e.Probe(t.Context()); err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if got := f.calls()[0].Dimensions; got != tt.wantField {
				t.Errorf("request dimensions = %d, want %d", got, tt.wantField)
			}
		})
	}
}

func TestNewOpenAIEmbedderConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		c    assistant.OpenAIConfig
		want []string
	}{
		{"no model", assistant.OpenAIConfig{BaseURL: "http://localhost:11434/v1"}, []string{"no embedding model"}},
		{"no base URL", assistant.OpenAIConfig{EmbedModel: "m"}, []string{"no base URL"}},
		{"both", assistant.OpenAIConfig{}, []string{"no embedding model", "no base URL"}},
		{"not a URL", assistant.OpenAIConfig{BaseURL: "localhost:11434", EmbedModel: "m"}, []string{"not an http(s) URL"}},
		{"negative dims", assistant.OpenAIConfig{BaseURL: "http://h/v1", EmbedModel: "m", EmbedDims: -1}, []string{"dimensions -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			_, err := assistant.NewOpenAIEmbedder(tt.c)
			if err == nil {
				t.Fatalf("NewOpenAIEmbedder(%+v) = nil error, want %q", tt.c, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
