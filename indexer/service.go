package indexer

import (
	"log/slog"
	"sync"
)

// Options configure a Service.
type Options struct {
	// Store is the database of record; required.
	Store Store
	// Vectors searches embeddings; nil means an in-process FlatIndex that follows the
	// store's change feed (the SQLite default). PostgreSQL passes itself.
	Vectors VectorIndex
	// BleveDir is the bleve index directory; required. It is created, or rebuilt from the
	// store when missing, unreadable or stale.
	BleveDir string
	// Embedder is a configured embedder (the OpenAI-compatible one); nil means the local
	// default: LSA trained on the corpus, Hashed before there is enough text.
	Embedder Embedder
	// Lambda weighs the vector score in hybrid fusion (bm25/max + Lambda·cos); 0 means
	// the embedder's default (see defaultLambda).
	Lambda float64
	// Fusion is how hybrid search combines the two retrievers: FusionConvex (the
	// default when empty) or FusionRRF (reciprocal rank fusion).
	Fusion string
	// WriteOnlyWhenLocked opens the Service without its bleve index when another process
	// (a running server) holds it: Index then writes the store, whose change feed that
	// process follows, while Search and Reindex fail with ErrIndexLocked.
	WriteOnlyWhenLocked bool
	// Logger receives lifecycle messages; nil means slog.Default().
	Logger *slog.Logger
}

// Service indexes sources into the store and the derived indexes, and searches them. It is
// safe for concurrent use; indexing runs one at a time.
type Service struct {
	store   Store
	vectors VectorIndex
	flat    *FlatIndex    // the in-process vector index when Options.Vectors is nil
	lex     *lexicalIndex // nil when opened write-only (Options.WriteOnlyWhenLocked)
	emb     *embedders
	lambda  float64
	fusion  string // FusionConvex or FusionRRF
	logger  *slog.Logger
	docs    docCache  // documents search has read, while the store is unchanged
	texts   textCache // document texts feedback and proximity have read, likewise

	// mu serialises Index, Sync and Reindex.
	mu sync.Mutex
}
