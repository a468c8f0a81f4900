package assistant

import (
	"context"
	"fmt"
	"strings"

	"github.com/sashabaranov/go-openai"
)

// request sends one embeddings request for texts, with retries, and returns the vectors
// in the order of texts (the server may list them in any order; each names its index).
func (e *OpenAIEmbedder) request(ctx context.Context, texts []string) ([][]float32, error) {
	req := openai.EmbeddingRequestStrings{
		Input:          texts,
		Model:          openai.EmbeddingModel(e.cfg.EmbedModel),
		EncodingFormat: openai.EmbeddingEncodingFormatFloat,
		Dimensions:     e.requestDims(),
	}
	var resp openai.EmbeddingResponse
	err := withRetry(ctx, e.cfg, "embeddings", func(ctx context.Context) error {
		var err error
		resp, err = e.client.CreateEmbeddings(ctx, req)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, e.describe(err)
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("embeddings endpoint %s returned %d embeddings for %d texts", e.endpoint(), len(resp.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(out) || out[d.Index] != nil {
			return nil, fmt.Errorf("embeddings endpoint %s returned a bad or repeated index %d", e.endpoint(), d.Index)
		}
		out[d.Index] = d.Embedding
	}
	return out, nil
}

// requestDims is the "dimensions" to ask for: only when the config shortens one of
// OpenAI's text-embedding-3 models, which can truncate their vectors on the server.
// Other servers get no such field, since many reject or ignore it.
func (e *OpenAIEmbedder) requestDims() int {
	m, d := e.cfg.EmbedModel, e.cfg.EmbedDims
	if d > 0 && strings.HasPrefix(m, "text-embedding-3-") && d != knownDims(m) {
		return d
	}
	return 0
}

// endpoint is the URL embeddings requests go to.
func (e *OpenAIEmbedder) endpoint() string {
	return strings.TrimSuffix(e.cfg.BaseURL, "/") + "/embeddings"
}

// describe turns the final error of a request into a message that says what to check.
func (e *OpenAIEmbedder) describe(err error) error {
	return describeFailure("embeddings endpoint "+e.endpoint(), e.cfg.Timeout, err)
}
