// Package indexer turns sources (catalog entities, markdown docs, incidents, costs) into
// documents, chunks and embeddings, owns the bleve index and the vector index, and serves
// hybrid search with filters, facets and permission filtering.
//
// So far it holds the pure building blocks: ChunkMarkdown splits markdown into cited
// sections by heading (goldmark), and the offline embedders — Hashed (feature-hashed
// TF-IDF, needs no training) and LSA (TF-IDF reduced by randomized SVD on gonum, trained
// on the corpus) — implement Embedder. Sources, storage, the indexes and search come with
// the rest of the indexer issue.
package indexer
