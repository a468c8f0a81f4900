package indexer

import (
	"context"
	"fmt"
)

// embedPageSize is how many pending chunks one embedding round reads, embeds and stores.
const embedPageSize = 256

// embedPending embeds every live chunk not yet embedded with emb, a page at a time, taking
// vectors from the embedding cache where it has them. Each page is stored before the next
// is read, so a run cut short resumes where it stopped.
func (s *Service) embedPending(ctx context.Context, emb Embedder, res *IndexResult, progress func(Progress)) error {
	model := emb.Model()
	stats, err := s.store.Stats(ctx, model)
	if err != nil {
		return fmt.Errorf("count chunks to embed with %s: %w", model, err)
	}
	total := stats.Chunks - stats.Vectors
	if total <= 0 {
		return nil
	}
	done := 0
	embedding := func() Progress {
		return Progress{Phase: PhaseEmbed, Done: done, Total: max(total, done),
			Changed: res.Changed, Deleted: res.Deleted, Embedded: res.Embedded}
	}
	report(progress, embedding())
	prevFirst := ""
	for {
		pending, err := s.store.PendingChunks(ctx, model, embedPageSize)
		if err != nil {
			return fmt.Errorf("read chunks to embed with %s: %w", model, err)
		}
		if len(pending) == 0 {
			return nil
		}
		// A page that starts where the last one did was not stored: stop rather than loop.
		if pending[0].ID == prevFirst {
			return fmt.Errorf("embed with %s: chunk %s stays pending after its vector was stored", model, prevFirst)
		}
		prevFirst = pending[0].ID
		byHash, err := s.embedTexts(ctx, emb, pending)
		if err != nil {
			return err
		}
		byID := make(map[string][]float32, len(pending))
		for _, c := range pending {
			byID[c.ID] = byHash[c.Hash]
		}
		if err := s.store.SetChunkVectors(ctx, model, byID); err != nil {
			return fmt.Errorf("store vectors of %s: %w", model, err)
		}
		done += len(pending)
		res.Embedded += len(pending)
		report(progress, embedding())
	}
}

// embedTexts returns the vectors of emb for the texts of chunks, by chunk hash: from the
// embedding cache where it has them, else by embedding each distinct text once and adding
// the new vectors to the cache.
func (s *Service) embedTexts(ctx context.Context, emb Embedder, chunks []StoredChunk) (map[string][]float32, error) {
	model, dims := emb.Model(), emb.Dims()
	var hashes []string
	textOf := make(map[string]string, len(chunks))
	for _, c := range chunks {
		if _, ok := textOf[c.Hash]; !ok {
			textOf[c.Hash] = c.Text
			hashes = append(hashes, c.Hash)
		}
	}
	vectors, err := s.store.CachedEmbeddings(ctx, model, hashes)
	if err != nil {
		return nil, fmt.Errorf("read cached embeddings of %s: %w", model, err)
	}
	if vectors == nil {
		vectors = make(map[string][]float32, len(hashes))
	}
	var missing, texts []string
	for _, h := range hashes {
		// A cached vector of another length is stale (the model's dimensions changed
		// under the same name); embedding again replaces it.
		if v, ok := vectors[h]; !ok || len(v) != dims {
			missing = append(missing, h)
			texts = append(texts, textOf[h])
		}
	}
	if len(texts) == 0 {
		return vectors, nil
	}
	got, err := emb.Embed(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("embed %d texts with %s: %w", len(texts), model, err)
	}
	if len(got) != len(texts) {
		return nil, fmt.Errorf("embed %d texts with %s: got %d vectors", len(texts), model, len(got))
	}
	fresh := make(map[string][]float32, len(missing))
	for i, h := range missing {
		if len(got[i]) != dims {
			return nil, fmt.Errorf("embedding model %s returned a vector of %d dimensions, want %d: %w",
				model, len(got[i]), dims, ErrModelMismatch)
		}
		fresh[h] = got[i]
		vectors[h] = got[i]
	}
	if err := s.store.PutEmbeddings(ctx, model, fresh); err != nil {
		return nil, fmt.Errorf("cache embeddings of %s: %w", model, err)
	}
	return vectors, nil
}
