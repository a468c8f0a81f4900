// Package assistant answers questions grounded in retrieved sources: it plans which tools
// to call (catalog, search, costs, incidents), composes a cited answer with an
// OpenAI-compatible model or the local offline composer, checks every citation and abstains
// when the evidence is weak.
//
// It is the only package that imports go-openai. OpenAIConfig is how any OpenAI-compatible
// server is reached (base URL, key, per-request timeout, retries with backoff on 429, 5xx
// and network errors); OpenAIEmbedder is the indexer.Embedder over its /v1/embeddings, and
// OpenAIComposer the Composer over its chat completions: tool calling for planning, a
// streamed answer, retrieved text passed as data and never as instructions. Fallback puts
// it in front of the LocalComposer, which answers whenever the model cannot.
package assistant
