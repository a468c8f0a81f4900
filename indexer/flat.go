package indexer

// FlatIndex is the in-process vector index (built in flat*.go).
type FlatIndex struct{}
