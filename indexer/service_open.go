package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// ServiceStats describes what the store and the search indexes hold.
type ServiceStats struct {
	// IndexStats are the store's counts; Vectors counts chunks embedded with Model.
	IndexStats
	// Model is the active embedding model.
	Model string
	// LastSeq is the store's last change Seq; LexicalSeq the last one bleve applied.
	LastSeq, LexicalSeq int64
	// LexicalChunks is the number of chunks in the bleve index.
	LexicalChunks int
	// FlatVectors is the number of vectors in the in-process index (0 when
	// Options.Vectors is set).
	FlatVectors int
}

// Open opens the search indexes and returns a Service over o.Store. A bleve index that is
// missing, unreadable, built from another database (another IndexEpoch) or ahead of the
// store (a restored database) is rebuilt from the store; then the indexes are synced with
// the store's change feed.
func Open(ctx context.Context, o Options) (*Service, error) {
	var errs []error
	if o.Store == nil {
		errs = append(errs, errors.New("option Store is required"))
	}
	if o.BleveDir == "" {
		errs = append(errs, errors.New("option BleveDir is required"))
	}
	fusion, err := parseFusion(o.Fusion)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("open indexer: %w", err)
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With(slog.String("component", "indexer"))

	lex, err := openLexical(o.BleveDir, logger)
	switch {
	case errors.Is(err, ErrIndexLocked) && o.WriteOnlyWhenLocked:
		logger.Info("search index held by another process: indexing into the database only; that process applies the changes",
			slog.String("dir", o.BleveDir))
		s := &Service{store: o.Store, vectors: o.Vectors, lambda: o.Lambda, fusion: fusion, logger: logger}
		if s.emb, err = newEmbedders(ctx, o.Store, o.Embedder, logger); err != nil {
			return nil, err
		}
		return s, nil
	case err != nil:
		return nil, err
	}
	// A zero lambda stays zero: search then takes the default of the model in use at the
	// time, which changes when the local embedder is trained.
	s := &Service{store: o.Store, vectors: o.Vectors, lex: lex, lambda: o.Lambda, fusion: fusion, logger: logger}
	if err := s.open(ctx, o); err != nil {
		_ = lex.Close()
		return nil, err
	}
	return s, nil
}

// open finishes Open once the bleve index is open.
func (s *Service) open(ctx context.Context, o Options) error {
	emb, err := newEmbedders(ctx, o.Store, o.Embedder, s.logger)
	if err != nil {
		return err
	}
	s.emb = emb
	if s.vectors == nil {
		s.flat = NewFlatIndex()
		s.vectors = s.flat
	}
	reason, err := s.checkLexical(ctx)
	if err != nil {
		return err
	}
	if err := s.Sync(ctx); err != nil {
		return err
	}
	if reason != "" {
		n, err := s.lex.docCount()
		if err != nil {
			return err
		}
		s.logger.Info("search index rebuilt", slog.String("reason", reason), slog.Uint64("chunks", n))
	}
	return nil
}

// checkLexical resets the bleve index when it was not built from the store as it is, and
// says why ("" when it is kept).
func (s *Service) checkLexical(ctx context.Context) (string, error) {
	epoch, err := s.store.IndexEpoch(ctx)
	if err != nil {
		return "", fmt.Errorf("read index epoch: %w", err)
	}
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return "", fmt.Errorf("read last seq: %w", err)
	}
	seq, have, err := s.lex.state()
	if err != nil {
		return "", err
	}
	var reason string
	switch {
	case have == "":
		reason = "new"
	case have != epoch:
		reason = "epoch changed"
	case seq > last:
		reason = "ahead of the store"
	default:
		return "", nil
	}
	s.logger.Info("rebuild search index", slog.String("reason", reason),
		slog.Int64("seq", seq), slog.Int64("store_seq", last))
	if err := s.lex.reset(epoch); err != nil {
		return "", err
	}
	return reason, nil
}

// Close closes the search indexes, after any Index, Sync or Reindex under way.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lex == nil {
		return nil
	}
	return s.lex.Close()
}

// Stats returns the counts of the store and of the search indexes.
func (s *Service) Stats(ctx context.Context) (ServiceStats, error) {
	model := s.emb.current().Model()
	st, err := s.store.Stats(ctx, model)
	if err != nil {
		return ServiceStats{}, fmt.Errorf("read index stats: %w", err)
	}
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return ServiceStats{}, fmt.Errorf("read last seq: %w", err)
	}
	if s.lex == nil {
		return ServiceStats{IndexStats: st, Model: model, LastSeq: last}, nil
	}
	seq, _, err := s.lex.state()
	if err != nil {
		return ServiceStats{}, err
	}
	n, err := s.lex.docCount()
	if err != nil {
		return ServiceStats{}, err
	}
	out := ServiceStats{IndexStats: st, Model: model, LastSeq: last, LexicalSeq: seq, LexicalChunks: int(n)}
	if s.flat != nil {
		out.FlatVectors = s.flat.len()
	}
	return out, nil
}

// WriteOnly reports whether the Service was opened without its bleve index because
// another process holds it (Options.WriteOnlyWhenLocked).
func (s *Service) WriteOnly() bool { return s.lex == nil }
