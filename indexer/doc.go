// Package indexer turns sources (catalog entities, markdown docs, incidents, costs) into
// documents, chunks and embeddings, owns the bleve index and the vector index, and serves
// hybrid search with filters, facets and permission filtering.
//
// It holds no code yet: the indexer and hybrid search issue builds it.
package indexer
