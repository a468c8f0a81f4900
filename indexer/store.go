package indexer

import (
	"context"
	"errors"
)

// ErrModelMismatch is returned when a vector's length does not match the model's recorded
// dimensions.
var ErrModelMismatch = errors.New("embedding model mismatch")

// Store is the database the indexer writes its truth to: documents, chunks, vectors, the
// embedding cache and the local embedder's model. Package store implements it on SQLite
// and PostgreSQL; storetest.Index is its contract. Every method is safe for concurrent use.
type Store interface {
	// DocumentHashes returns id → Hash of the live (not deleted) documents of source.
	DocumentHashes(ctx context.Context, source string) (map[string]string, error)
	// PutDocument stores d and replaces all its chunks, in one transaction, and gives it a
	// new change Seq. Chunks keep the Vector/Model they are given (nil means not embedded).
	PutDocument(ctx context.Context, d Document, chunks []StoredChunk) error
	// DeleteDocuments removes the documents and their chunks, leaving a tombstone with a new
	// Seq in the change feed. Unknown ids are ignored.
	DeleteDocuments(ctx context.Context, ids []string) error
	// Changes returns up to limit changes with Seq > after, in Seq order.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// LastSeq returns the highest Seq given so far (0 for an empty index).
	LastSeq(ctx context.Context) (int64, error)
	// IndexEpoch returns a random id created with the index tables; a derived index built
	// from another database (or before a reset) has another epoch and must be rebuilt.
	IndexEpoch(ctx context.Context) (string, error)

	// CachedEmbeddings returns the cached vectors of model for the given chunk hashes;
	// hashes not cached are absent from the map.
	CachedEmbeddings(ctx context.Context, model string, hashes []string) (map[string][]float32, error)
	// PutEmbeddings adds vectors to the cache of model, keyed by chunk hash.
	PutEmbeddings(ctx context.Context, model string, vectors map[string][]float32) error
	// PendingChunks returns up to limit live chunks whose Model is not model (not embedded,
	// or embedded by another model), in a stable order (by chunk ID).
	PendingChunks(ctx context.Context, model string, limit int) ([]StoredChunk, error)
	// SetChunkVectors sets the vectors (by chunk ID) of model, and gives every document
	// whose chunks changed a new Seq, in one transaction. IDs of chunks that no longer
	// exist are ignored.
	SetChunkVectors(ctx context.Context, model string, vectors map[string][]float32) error
	// ChunkTexts calls fn with the text of every live chunk, in chunk ID order, stopping at
	// the first error fn returns (training the local embedder reads the corpus this way).
	ChunkTexts(ctx context.Context, fn func(text string) error) error

	// SaveModel stores the serialized local embedder and makes it the active one.
	SaveModel(ctx context.Context, name string, data []byte) error
	// ActiveModel returns the active local embedder's name and data; ok is false when none
	// has been saved.
	ActiveModel(ctx context.Context) (name string, data []byte, ok bool, err error)
	// ActiveModelName returns the active local embedder's name alone; ok is false when
	// none has been saved.
	ActiveModelName(ctx context.Context) (name string, ok bool, err error)

	// Document returns the live document with id, Text included; ok is false when there is
	// none.
	Document(ctx context.Context, id string) (d Document, ok bool, err error)
	// DocumentsByIDs returns the stored documents (Text left empty) with those ids; missing
	// or deleted ids are absent.
	DocumentsByIDs(ctx context.Context, ids []string) (map[string]Document, error)
	// ChunksByIDs returns the chunks (without vectors) with those ids; missing ids are absent.
	ChunksByIDs(ctx context.Context, ids []string) (map[string]StoredChunk, error)
	// Stats counts live documents, chunks and chunks embedded with model.
	Stats(ctx context.Context, model string) (IndexStats, error)
}

// IndexStats are counts of what the store holds.
type IndexStats struct {
	Documents int
	Chunks    int
	Vectors   int // chunks embedded with the model asked about
}

// VectorIndex finds the chunks nearest to a query vector among those a caller may see.
// PostgreSQL implements it in SQL (pgvector, HNSW, iterative scans); on SQLite the
// in-process FlatIndex does.
type VectorIndex interface {
	// SearchVectors returns up to q.K chunks of q.Model most similar (cosine) to q.Vector
	// that match q.Filter and q.Audience, best first. A filter never shortens the result
	// below K while more matching chunks exist.
	SearchVectors(ctx context.Context, q VectorQuery) ([]ChunkHit, error)
	// Similarities returns cos(vec, chunk) for those of ids embedded with model.
	Similarities(ctx context.Context, model string, vec []float32, ids []string) (map[string]float64, error)
}

// VectorQuery is one nearest-neighbour search.
type VectorQuery struct {
	Model    string
	Vector   []float32
	K        int
	Filter   Filters
	Audience Audience
}

// ChunkHit is a chunk found by one retriever, with that retriever's raw score (BM25 for
// bleve, cosine similarity for vectors).
type ChunkHit struct {
	ChunkID string
	DocID   string
	Score   float64
}

// Filters are field → accepted values (OR within a field, AND across fields); values
// lowercased. Keys are FilterFields.
type Filters map[string][]string

// Matches reports whether a document with these fields and source passes f.
func (f Filters) Matches(fields map[string][]string, source string) bool {
	for k, want := range f {
		if len(want) == 0 {
			continue
		}
		have := fields[k]
		if k == FieldSource {
			have = []string{source}
		}
		if !anyIn(have, want) {
			return false
		}
	}
	return true
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}
