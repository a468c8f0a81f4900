package indexer

import (
	"context"
	"fmt"
	"log/slog"
)

// syncPage is how many changes Sync reads from the store's feed at a time.
const syncPage = 500

// Sync brings the search indexes up to date with the store: it loads the embedding model
// another process may have trained, then applies every change of the store's feed after
// the last one each index applied.
func (s *Service) Sync(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.syncLocked(ctx)
}

// syncLocked is Sync with s.mu held.
func (s *Service) syncLocked(ctx context.Context) error {
	if err := s.emb.reload(ctx); err != nil {
		return err
	}
	if s.lex == nil {
		return nil // write-only: the process holding the index follows the feed
	}
	_, err := s.applyFeed(ctx, nil)
	return err
}

// applyFeed applies the store's changes to bleve and to the flat index, each from the
// Seq it last applied, and returns how many changes it read. done, when not nil, is called
// after each page with the number of documents (not tombstones) read so far.
func (s *Service) applyFeed(ctx context.Context, done func(int)) (int, error) {
	lexSeq, _, err := s.lex.state()
	if err != nil {
		return 0, err
	}
	from := lexSeq
	var flatSeq int64
	if s.flat != nil {
		// The flat index lives in memory only: in a new process it starts from 0.
		flatSeq = s.flat.lastSeq()
		from = min(from, flatSeq)
	}
	read, docs := 0, 0
	for {
		changes, err := s.store.Changes(ctx, from, syncPage)
		if err != nil {
			return read, fmt.Errorf("read changes after seq %d: %w", from, err)
		}
		if len(changes) == 0 {
			return read, nil
		}
		if err := s.lex.apply(after(changes, lexSeq)); err != nil {
			return read, err
		}
		if s.flat != nil {
			s.flat.apply(after(changes, flatSeq))
		}
		from = changes[len(changes)-1].Seq
		lexSeq, flatSeq = max(lexSeq, from), max(flatSeq, from)
		read += len(changes)
		for _, c := range changes {
			if !c.Deleted {
				docs++
			}
		}
		if done != nil {
			done(docs)
		}
		s.logger.Debug("search index sync", slog.Int64("seq", from), slog.Int("changes", read))
	}
}

// after returns the suffix of changes (in Seq order) with Seq > seq.
func after(changes []Change, seq int64) []Change {
	for i, c := range changes {
		if c.Seq > seq {
			return changes[i:]
		}
	}
	return nil
}

// Reindex rebuilds the search indexes from the store, from the first change on: bleve is
// emptied (and stamped with the store's epoch) and the flat index cleared. progress, when
// not nil, is told of the documents applied (PhaseSync).
func (s *Service) Reindex(ctx context.Context, progress func(Progress)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lex == nil {
		return fmt.Errorf("reindex: %w", ErrIndexLocked)
	}
	if err := s.emb.reload(ctx); err != nil {
		return err
	}
	epoch, err := s.store.IndexEpoch(ctx)
	if err != nil {
		return fmt.Errorf("read index epoch: %w", err)
	}
	st, err := s.store.Stats(ctx, s.emb.current().Model())
	if err != nil {
		return fmt.Errorf("read index stats: %w", err)
	}
	if err := s.lex.reset(epoch); err != nil {
		return err
	}
	if s.flat != nil {
		s.flat.reset()
	}
	report(progress, Progress{Phase: PhaseSync, Total: st.Documents})
	read, err := s.applyFeed(ctx, func(docs int) {
		report(progress, Progress{Phase: PhaseSync, Done: docs, Total: max(st.Documents, docs)})
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	s.logger.Info("search index rebuilt", slog.String("reason", "reindex"),
		slog.Int("documents", st.Documents), slog.Int("changes", read))
	return nil
}
