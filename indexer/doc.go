// Package indexer turns sources (catalog entities, markdown docs, incidents, costs) into
// documents, chunks and embeddings, owns the bleve index and the vector index, and serves
// hybrid search with filters, facets and permission filtering.
//
// The store (the Store interface, implemented by package store) is the truth: documents
// with a content hash, their chunks and vectors, an embedding cache and a change feed.
// Service.Index reads Sources (NewCatalogSource, NewTechDocsSource, NewDirSource,
// NewBEIRSource), writes what changed one document per transaction, embeds pending
// chunks, and then the derived indexes — bleve, and on SQLite the in-process FlatIndex —
// follow the feed, so a crash at any point is completed by the next run and a lost or stale
// bleve index is rebuilt by Open. ChunkMarkdown cuts markdown into sections by heading;
// the local embedders are Hashed (no training) and LSA (trained on the corpus, saved in
// the store); a configured embedder comes from package assistant. Service.Search runs
// lexical (BM25), vector or hybrid retrieval with the caller's visibility inside each
// retriever.
package indexer
