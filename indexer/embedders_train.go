package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// The local embedder policy: Hashed until the store holds lsaMinChunks chunks, then LSA
// with up to lsaDims dimensions trained on every live chunk, retrained once the corpus has
// grown by a quarter (or shrunk by half) since.
const (
	lsaMinChunks = 200
	lsaDims      = 128
	lsaSeed      = 20250314 // fixed, so the same corpus trains the same model
)

// needsTraining reports whether the local model in use should be (re)trained now that the
// store holds chunks live chunks.
func needsTraining(m localModel, chunks int) bool {
	if chunks < lsaMinChunks {
		return false
	}
	if lsa, ok := m.emb.(*LSA); !ok || m.trainedOn <= 0 || !lsa.measured {
		return true // no model yet, or one saved before hybrid search used its agreement
	}
	return chunks*4 >= m.trainedOn*5 || chunks*2 < m.trainedOn
}

// lsaDimsFor is the number of dimensions to train with on n chunks: lsaDims, lowered so
// that TrainLSA has the documents it needs.
func lsaDimsFor(n int) int {
	return max(1, min(lsaDims, n-lsaOversample))
}

// maybeTrain trains, saves and switches to a new LSA model when the policy asks for one;
// it does nothing with a configured embedder. It reports whether the model changed. A
// corpus TrainLSA finds too poor (too few documents sharing terms) keeps the model in use.
func (e *embedders) maybeTrain(ctx context.Context, progress func(Progress)) (bool, error) {
	if e.configured != nil {
		return false, nil
	}
	cur := e.localState()
	stats, err := e.store.Stats(ctx, cur.emb.Model())
	if err != nil {
		return false, fmt.Errorf("count chunks: %w", err)
	}
	if !needsTraining(cur, stats.Chunks) {
		return false, nil
	}
	report(progress, Progress{Phase: PhaseTrain, Total: stats.Chunks})
	var texts []string
	err = e.store.ChunkTexts(ctx, func(text string) error {
		texts = append(texts, text)
		return ctx.Err()
	})
	if err != nil {
		return false, fmt.Errorf("read chunk texts: %w", err)
	}
	if !needsTraining(cur, len(texts)) {
		return false, nil
	}
	trained, err := TrainLSA(texts, lsaDimsFor(len(texts)), lsaSeed)
	if errors.Is(err, ErrTooFewDocs) {
		e.logger.Warn("keep embedding model", slog.String("model", cur.emb.Model()), slog.Any("error", err))
		return false, nil
	}
	if err != nil {
		return false, err
	}
	data, err := encodeLocalModel(trained, len(texts))
	if err != nil {
		return false, fmt.Errorf("encode %s: %w", trained.Model(), err)
	}
	// Embed with the model as saved (float32 basis), so that this process and every
	// process that loads the model produce the same vectors.
	m, err := decodeLocalModel(data)
	if err != nil {
		return false, err
	}
	if err := e.store.SaveModel(ctx, m.emb.Model(), data); err != nil {
		return false, fmt.Errorf("save embedding model %s: %w", m.emb.Model(), err)
	}
	e.setLocal(m)
	e.logger.Info("train embedding model", slog.String("model", m.emb.Model()),
		slog.Int("dims", m.emb.Dims()), slog.Int("chunks", len(texts)), slog.Int("bytes", len(data)),
		slog.Float64("agreement", trained.agreement))
	report(progress, Progress{Phase: PhaseTrain, Done: len(texts), Total: len(texts)})
	return true, nil
}
