package assistant

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/sashabaranov/go-openai"
)

// Defaults that OpenAIConfig's zero fields take.
const (
	DefaultBatchSize  = 64
	DefaultMaxRetries = 4
	DefaultRetryBase  = 500 * time.Millisecond
	DefaultTimeout    = 60 * time.Second
)

// OpenAIConfig says how to reach an OpenAI-compatible server (OpenAI itself, Ollama,
// vLLM, llama.cpp, LocalAI…). Zero numeric fields take the defaults above.
type OpenAIConfig struct {
	// BaseURL is the API root including its version, e.g. https://api.openai.com/v1
	// or http://localhost:11434/v1; requests go to BaseURL + "/embeddings".
	BaseURL string
	// APIKey is sent as "Authorization: Bearer <key>"; local servers often need none.
	APIKey string
	// EmbedModel names the embedding model, e.g. text-embedding-3-small.
	EmbedModel string
	// EmbedDims is the vector length the model returns. Zero means the known size of
	// an OpenAI model, or, for any other model, the length Probe measures.
	EmbedDims int
	// BatchSize is how many texts go in one embeddings request (default 64).
	BatchSize int
	// MaxRetries is how many times a failed request is retried after a 429, a 5xx, a
	// timeout or a network error (default 4; negative means never).
	MaxRetries int
	// RetryBase is the first backoff wait; each retry doubles it (default 500ms).
	RetryBase time.Duration
	// Timeout bounds each request, from sending it to reading the whole answer
	// (default 60s). It is applied per attempt through the context, so that the
	// same client can also carry streams that the caller's context ends.
	Timeout time.Duration
	// Logger receives a warning for each retry; nil means slog.Default().
	Logger *slog.Logger
}

// withDefaults returns c with its zero fields set to the defaults.
func (c OpenAIConfig) withDefaults() OpenAIConfig {
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.RetryBase == 0 {
		c.RetryBase = DefaultRetryBase
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// validate reports every problem of c (after withDefaults) as an embeddings config at once.
func (c OpenAIConfig) validate() error {
	errs := c.endpointProblems()
	if c.EmbedModel == "" {
		errs = append(errs, errors.New("no embedding model (set PORTAL_EMBED_MODEL)"))
	}
	if c.EmbedDims < 0 {
		errs = append(errs, fmt.Errorf("embedding dimensions %d < 0", c.EmbedDims))
	}
	if c.BatchSize < 0 {
		errs = append(errs, fmt.Errorf("batch size %d < 0", c.BatchSize))
	}
	return errors.Join(errs...)
}

// endpointProblems lists what is wrong with how c reaches the server, for any use of it.
func (c OpenAIConfig) endpointProblems() []error {
	var errs []error
	if c.BaseURL == "" {
		errs = append(errs, errors.New("no base URL (set OPENAI_BASE_URL, including /v1)"))
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base URL %q is not an http(s) URL", c.BaseURL))
	}
	if c.RetryBase < 0 || c.Timeout < 0 {
		errs = append(errs, errors.New("retry base and timeout must not be negative"))
	}
	return errs
}

// newOpenAIClient builds a go-openai client for c (after withDefaults). Its HTTP client
// has transport timeouts but no overall Timeout: callers bound each call with a context,
// which also ends streams.
func newOpenAIClient(c OpenAIConfig) *openai.Client {
	cfg := openai.DefaultConfig(c.APIKey)
	cfg.BaseURL = c.BaseURL
	cfg.HTTPClient = &http.Client{Transport: newTransport(c.Timeout)}
	return openai.NewClientWithConfig(cfg)
}

// newTransport is http.DefaultTransport with bounded dialling and a bound on the wait for
// response headers, wrapped so that a retry can read the Retry-After header.
func newTransport(timeout time.Duration) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = timeout
	return retryAfterTransport{base: t}
}
