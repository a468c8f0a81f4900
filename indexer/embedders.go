package indexer

// embedders holds the active embedder (built in embedders*.go).
type embedders struct{}
