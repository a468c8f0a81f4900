package indexer

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// storedChunks splits d into the chunks the store keeps, each with the vector of emb
// already in the embedding cache for its text, if any, so that only new text is embedded.
func (s *Service) storedChunks(ctx context.Context, d Document, emb Embedder) ([]StoredChunk, error) {
	chunks := documentChunks(d)
	hashes := make([]string, len(chunks))
	for i, c := range chunks {
		hashes[i] = c.Hash
	}
	cached, err := s.store.CachedEmbeddings(ctx, emb.Model(), hashes)
	if err != nil {
		return nil, fmt.Errorf("read cached embeddings of %s: %w", d.ID, err)
	}
	for i := range chunks {
		if v, ok := cached[chunks[i].Hash]; ok && len(v) == emb.Dims() {
			chunks[i].Model, chunks[i].Vector = emb.Model(), v
		}
	}
	return chunks, nil
}

// documentChunks splits d's text into chunks: markdown sections for docs, paragraphs for
// entities (whose text is plain paragraphs, which ChunkMarkdown splits the same way). A
// document always has at least one chunk: its title when its text has nothing to index.
func documentChunks(d Document) []StoredChunk {
	parts := ChunkMarkdown([]byte(d.Text), ChunkOptions{})
	if len(parts) == 0 {
		parts = []Chunk{{Text: strings.TrimSpace(d.Title)}}
	}
	out := make([]StoredChunk, len(parts))
	for i, c := range parts {
		out[i] = StoredChunk{
			ID:      d.ID + "#" + strconv.Itoa(i),
			DocID:   d.ID,
			Index:   i,
			Anchor:  c.Anchor,
			Heading: strings.Join(c.HeadingPath, " > "),
			Text:    c.Text,
			Hash:    hashText(c.Text),
		}
	}
	return out
}
