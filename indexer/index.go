package indexer

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
)

// scanReportEvery is how many documents a source yields between scan progress reports.
const scanReportEvery = 100

// Index brings the store and the search indexes up to date with sources: it writes the
// documents whose content hash changed, deletes those a source no longer yields, trains
// the local embedder when the corpus has outgrown it, embeds every chunk not yet embedded
// with the active model, and syncs the search indexes. progress, when not nil, is called
// as the run goes.
//
// Every step is idempotent and leaves the store consistent, so a run cut short (a
// cancelled ctx, a crash) is finished by the next one; a run over unchanged sources
// writes nothing and calls no embedder. A source that fails deletes nothing, and its error
// ends the run.
func (s *Service) Index(ctx context.Context, sources []Source, progress func(Progress)) (IndexResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res IndexResult
	for _, src := range sources {
		if err := s.indexSource(ctx, src, &res, progress); err != nil {
			return res, fmt.Errorf("index source %s: %w", src.Name(), err)
		}
	}
	if _, err := s.emb.maybeTrain(ctx, progress); err != nil {
		return res, fmt.Errorf("train embedding model: %w", err)
	}
	emb := s.emb.current()
	res.Model = emb.Model()
	if err := s.embedPending(ctx, emb, &res, progress); err != nil {
		return res, err
	}
	if ev, ok := s.vectors.(interface {
		EnsureVectorIndex(ctx context.Context, model string, dims int) error
	}); ok {
		if err := ev.EnsureVectorIndex(ctx, emb.Model(), emb.Dims()); err != nil {
			return res, fmt.Errorf("ensure vector index for %s: %w", emb.Model(), err)
		}
	}
	report(progress, Progress{Phase: PhaseSync, Changed: res.Changed, Deleted: res.Deleted, Embedded: res.Embedded})
	if err := s.syncLocked(ctx); err != nil {
		return res, err
	}
	s.logger.Info("index", slog.Int("documents", res.Documents), slog.Int("changed", res.Changed),
		slog.Int("deleted", res.Deleted), slog.Int("chunks", res.Chunks), slog.Int("embedded", res.Embedded),
		slog.String("model", res.Model))
	return res, nil
}

// indexSource stores the changed documents of src and, when src yielded all of its
// documents without error, deletes the stored ones it no longer yields.
func (s *Service) indexSource(ctx context.Context, src Source, res *IndexResult, progress func(Progress)) error {
	name := src.Name()
	stored, err := s.store.DocumentHashes(ctx, name)
	if err != nil {
		return fmt.Errorf("read document hashes: %w", err)
	}
	emb := s.emb.current()
	seen := make(map[string]bool, len(stored))
	scanned := 0
	scan := func() Progress {
		return Progress{Phase: PhaseScan, Source: name, Done: scanned, Changed: res.Changed, Deleted: res.Deleted}
	}
	report(progress, scan())
	err = src.Documents(ctx, func(d Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if seen[d.ID] {
			// The first of two documents with one ID wins, so that reruns agree.
			s.logger.Warn("skip repeated document", slog.String("source", name), slog.String("doc_id", d.ID))
			return nil
		}
		seen[d.ID] = true
		res.Documents++
		scanned++
		if scanned%scanReportEvery == 0 {
			report(progress, scan())
		}
		d.Source = name
		d.Hash = HashDocument(d)
		if stored[d.ID] == d.Hash {
			res.Unchanged++
			return nil
		}
		chunks, err := s.storedChunks(ctx, d, emb)
		if err != nil {
			return err
		}
		if err := s.store.PutDocument(ctx, d, chunks); err != nil {
			return fmt.Errorf("store document %s: %w", d.ID, err)
		}
		res.Changed++
		res.Chunks += len(chunks)
		return nil
	})
	if err != nil {
		return err
	}
	var gone []string
	for id := range stored {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	if len(gone) > 0 {
		slices.Sort(gone)
		if err := s.store.DeleteDocuments(ctx, gone); err != nil {
			return fmt.Errorf("delete %d documents: %w", len(gone), err)
		}
		res.Deleted += len(gone)
	}
	report(progress, scan())
	return nil
}
