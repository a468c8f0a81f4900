// Package assistant answers questions grounded in retrieved sources: it plans which tools
// to call (catalog, search, costs, incidents), composes a cited answer with an
// OpenAI-compatible model or the local offline composer, checks every citation and abstains
// when the evidence is weak.
//
// It is the only package that imports go-openai. So far it holds the OpenAI-compatible
// client setup (OpenAIConfig: base URL, key, per-request timeout, retries with backoff on
// 429, 5xx and network errors) and OpenAIEmbedder, the indexer.Embedder that embeds texts
// through any server speaking OpenAI's /v1/embeddings. The answering itself comes with a
// later issue, built on the indexer.
package assistant
