package assistant_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/assistant"
)

func TestOpenAIEmbedderRetries(t *testing.T) {
	tests := []struct {
		name       string
		fail       func(call int) *failure
		maxRetries int
		wantCalls  int
		wantErr    string   // "" means success
		wantLog    []string // substrings of the retry warnings
	}{
		{
			name: "429 with Retry-After, then success",
			fail: func(call int) *failure {
				if call == 0 {
					return &failure{status: http.StatusTooManyRequests, retryAfter: "1"}
				}
				return nil
			},
			wantCalls: 2,
			wantLog:   []string{"status=429", "attempt=1", "wait=1s"},
		},
		{
			name: "503 twice, then success",
			fail: func(call int) *failure {
				if call < 2 {
					return &failure{status: http.StatusServiceUnavailable}
				}
				return nil
			},
			wantCalls: 3,
			wantLog:   []string{"status=503", "attempt=2"},
		},
		{
			name:       "500 until MaxRetries",
			fail:       func(int) *failure { return &failure{status: http.StatusInternalServerError} },
			maxRetries: 2,
			wantCalls:  3,
			wantErr:    "/v1/embeddings answered 500",
		},
		{
			name:      "400 is not retried",
			fail:      func(int) *failure { return &failure{status: http.StatusBadRequest} },
			wantCalls: 1,
			wantErr:   "answered 400",
		},
		{
			name:      "401 names the key",
			fail:      func(int) *failure { return &failure{status: http.StatusUnauthorized} },
			wantCalls: 1,
			wantErr:   "refused the API key (check OPENAI_API_KEY)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeEmbeddings(t, 4, tt.fail)
			var logs bytes.Buffer
			e := newTestEmbedder(t, f, "m", func(c *assistant.OpenAIConfig) {
				c.EmbedDims = 4
				c.MaxRetries = tt.maxRetries
				c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			})
			got, err := e.Embed(t.Context(), []string{"a", "b"})
			switch {
			case tt.wantErr == "" && (err != nil || len(got) != 2):
				t.Errorf("Embed = %d vectors, %v; want 2, no error", len(got), err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Embed error = %v, want it to contain %q", err, tt.wantErr)
			}
			if n := len(f.calls()); n != tt.wantCalls {
				t.Errorf("%d requests, want %d", n, tt.wantCalls)
			}
			for _, w := range tt.wantLog {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("retry log does not contain %q:\n%s", w, logs.String())
				}
			}
		})
	}
}

// cancelOnRetry is a slog handler that cancels a context when a retry is logged, which
// happens just before the backoff wait starts.
type cancelOnRetry struct {
	slog.Handler
	cancel context.CancelFunc
}

func (h cancelOnRetry) Enabled(context.Context, slog.Level) bool { return true }

func (h cancelOnRetry) Handle(context.Context, slog.Record) error {
	h.cancel()
	return nil
}

func TestOpenAIEmbedderCancelDuringBackoff(t *testing.T) {
	f := newFakeEmbeddings(t, 4, func(int) *failure { return &failure{status: http.StatusServiceUnavailable} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e := newTestEmbedder(t, f, "m", func(c *assistant.OpenAIConfig) {
		c.EmbedDims = 4
		// A backoff far longer than the test may run: only the cancel can end the wait.
		c.RetryBase = time.Hour
		c.Logger = slog.New(cancelOnRetry{Handler: slog.DiscardHandler, cancel: cancel})
	})
	done := make(chan error, 1)
	go func() {
		_, err := e.Embed(ctx, []string{"a"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Embed error = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Embed still waiting in backoff a minute after its context was cancelled")
	}
	if n := len(f.calls()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestOpenAIEmbedderUnreachable(t *testing.T) {
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so that the server notices when the client hangs up
		<-r.Context().Done()        // never answers
	}))
	t.Cleanup(hung.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens there any more

	tests := []struct {
		name, base, want string
	}{
		{"connection refused", closed.URL + "/v1", "embeddings endpoint " + closed.URL + "/v1/embeddings unreachable: "},
		{"no answer", hung.URL + "/v1", "embeddings endpoint " + hung.URL + "/v1/embeddings unreachable: no answer within 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			e, err := assistant.NewOpenAIEmbedder(assistant.OpenAIConfig{
				BaseURL:    tt.base,
				EmbedModel: "nomic-embed-text",
				MaxRetries: 1,
				RetryBase:  time.Millisecond,
				Timeout:    50 * time.Millisecond,
				Logger:     slog.New(slog.NewTextHandler(&logs, nil)),
			})
			if err != nil {
				t.Fatalf("NewOpenAIEmbedder: %v", err)
			}
			err = e.Probe(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Probe error = %v, want it to contain %q", err, tt.want)
			}
			if !strings.Contains(logs.String(), "status=0 attempt=1") {
				t.Errorf("no retry logged for a network failure:\n%s", logs.String())
			}
			if e.Dims() != 0 {
				t.Errorf("Dims() = %d after a failed Probe, want 0", e.Dims())
			}
		})
	}
}
