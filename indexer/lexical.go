package indexer

// lexicalIndex is the bleve index of chunks (built in lexical*.go).
type lexicalIndex struct{}
