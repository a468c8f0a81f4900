// Package assistant answers questions grounded in retrieved sources, as the asker: Service
// (New, Ask, Conversations, Conversation, Feedback) understands a question, gathers sources
// with its tools, has a Composer write a cited answer, checks every citation and abstains
// when the evidence is weak.
//
// Understanding is fuzzy by design: entity names, titles and people's names are matched word
// by word (light stems, abbreviations, typos, prefixes), weighted by how rare each word is
// among the names the asker may see; the intent is scored against prototype phrasings per
// relation, by weighted word overlap that tells the words before and after the entity
// apart. Follow-ups resolve against the focus of earlier turns.
//
// The tools (catalog_lookup, catalog_relation, doc_search) live in a Registry other
// capabilities add theirs to; they run as the principal in ctx and see only what it may.
// The local composer (the default; no network, no weights) writes relationship answers from
// the pipeline's facts and doc answers extractively; the OpenAI-compatible composer plans
// with the tools and streams, and Fallback puts the local one behind it. Markers [n] to
// anything not retrieved in the turn are dropped while the answer streams, and the rest
// renumbered 1..n.
//
// It is the only package that imports go-openai: besides the composer it holds the
// OpenAI-compatible client setup (OpenAIConfig: base URL, key, timeout, retries with backoff)
// and OpenAIEmbedder, the indexer.Embedder for /v1/embeddings.
package assistant
