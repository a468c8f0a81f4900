// Package assistant answers questions grounded in retrieved sources: it plans which tools
// to call (catalog, search, costs, incidents), composes a cited answer with an
// OpenAI-compatible model or the local offline composer, checks every citation and abstains
// when the evidence is weak.
//
// It holds no code yet: a later issue builds it on the indexer.
package assistant
