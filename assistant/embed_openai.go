package assistant

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/sashabaranov/go-openai"

	"github.com/nextportal/portal/indexer"
)

// OpenAIEmbedder is an indexer.Embedder that calls the embeddings endpoint of an
// OpenAI-compatible server: batched, retried, with every vector checked against the
// model's dimensions and L2-normalised. It is safe for concurrent use.
type OpenAIEmbedder struct {
	cfg    OpenAIConfig
	client *openai.Client
	dims   atomic.Int64 // 0 until known: from the config, the model's name, or Probe
}

var _ indexer.Embedder = (*OpenAIEmbedder)(nil)

// NewOpenAIEmbedder checks c and returns an embedder for it. It makes no request: call
// Probe to learn an unknown model's dimensions or to find out the endpoint is down.
func NewOpenAIEmbedder(c OpenAIConfig) (*OpenAIEmbedder, error) {
	c = c.withDefaults()
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("openai embedder: %w", err)
	}
	e := &OpenAIEmbedder{cfg: c, client: newOpenAIClient(c)}
	if c.EmbedDims > 0 {
		e.dims.Store(int64(c.EmbedDims))
	} else {
		e.dims.Store(int64(knownDims(c.EmbedModel)))
	}
	return e, nil
}

// knownDims is the native vector length of OpenAI's embedding models, 0 for others.
func knownDims(model string) int {
	switch model {
	case "text-embedding-3-small", "text-embedding-ada-002":
		return 1536
	case "text-embedding-3-large":
		return 3072
	}
	return 0
}

// Dims is the length of every vector Embed returns; 0 until Probe has measured a model
// whose size neither the config nor its name gives.
func (e *OpenAIEmbedder) Dims() int { return int(e.dims.Load()) }

// Model is "openai:<model>:<dims>", so that a change of model or of dimensions makes the
// indexer re-embed everything.
func (e *OpenAIEmbedder) Model() string {
	return "openai:" + e.cfg.EmbedModel + ":" + strconv.Itoa(e.Dims())
}

// Probe embeds one short text. It records the dimensions of a model whose size was not
// known, checks them otherwise, and returns a clear error when the endpoint is down or
// refuses the request (after the usual retries).
func (e *OpenAIEmbedder) Probe(ctx context.Context) error {
	vecs, err := e.request(ctx, []string{"probe"})
	if err != nil {
		return err
	}
	got := len(vecs[0])
	if e.dims.CompareAndSwap(0, int64(got)) {
		return nil
	}
	return e.checkDims(got)
}

// Embed returns one unit vector per text, in order, sending BatchSize texts per request.
// Blank texts get the zero vector without a request. It fails with an error wrapping
// indexer.ErrModelMismatch when the server returns vectors of another length than Dims.
func (e *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) > 0 && e.Dims() == 0 {
		return nil, fmt.Errorf("embedding model %q has unknown dimensions (set PORTAL_EMBED_DIMS, or call Probe first)", e.cfg.EmbedModel)
	}
	out := make([][]float32, len(texts))
	var idx []int // positions of the texts to send
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			out[i] = make([]float32, e.Dims())
		} else {
			idx = append(idx, i)
		}
	}
	for start := 0; start < len(idx); start += e.cfg.BatchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := idx[start:min(start+e.cfg.BatchSize, len(idx))]
		in := make([]string, len(batch))
		for j, i := range batch {
			in[j] = texts[i]
		}
		vecs, err := e.request(ctx, in)
		if err != nil {
			return nil, err
		}
		for j, v := range vecs {
			if err := e.checkDims(len(v)); err != nil {
				return nil, err
			}
			out[batch[j]] = unit(v)
		}
	}
	return out, nil
}

// checkDims rejects a vector length other than Dims.
func (e *OpenAIEmbedder) checkDims(got int) error {
	if want := e.Dims(); got != want {
		return fmt.Errorf("embedding model %q returned %d dimensions, want %d (set PORTAL_EMBED_DIMS or change the model): %w",
			e.cfg.EmbedModel, got, want, indexer.ErrModelMismatch)
	}
	return nil
}

// unit scales v to unit L2 norm in place and returns it; the zero vector stays zero.
func unit(v []float32) []float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if ss == 0 {
		return v
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return v
}
