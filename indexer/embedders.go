package indexer

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
)

// hashedDims is the vector length of the untrained local embedder.
const hashedDims = 256

// embedders holds the embedder the Service indexes and searches with. A configured
// embedder (the OpenAI-compatible one) is used as is. Without one, the embedder is local:
// Hashed until the corpus is large enough to train LSA on (see trainPlan), then the LSA
// model active in the store, which Index retrains as the corpus grows and other
// processes pick up with reload.
type embedders struct {
	store      Store
	configured Embedder
	logger     *slog.Logger

	mu    sync.RWMutex
	local localModel
}

// localModel is the local embedder in use and, for an LSA model, the number of chunks it
// was trained on.
type localModel struct {
	emb       Embedder
	trainedOn int // 0 for Hashed
}

// newEmbedders returns the embedders of a Service: configured when it is not nil, else
// the store's active local model, or Hashed when none has been trained yet.
func newEmbedders(ctx context.Context, st Store, configured Embedder, logger *slog.Logger) (*embedders, error) {
	if logger == nil {
		logger = slog.Default()
	}
	e := &embedders{store: st, configured: configured, logger: logger,
		local: localModel{emb: NewHashed(hashedDims)}}
	if configured != nil {
		return e, nil
	}
	if err := e.reload(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// current returns the embedder to index and search with.
func (e *embedders) current() Embedder {
	if e.configured != nil {
		return e.configured
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.local.emb
}

// localState returns the local model in use.
func (e *embedders) localState() localModel {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.local
}

// setLocal makes m the local model in use.
func (e *embedders) setLocal(m localModel) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.local = m
}

// reload switches to the store's active local model when it differs from the one in use,
// as it does after another process (portal index) trained a new one. A saved model that
// cannot be read is logged and left aside: the embedder stays as it is, and the next
// Index trains a new model.
func (e *embedders) reload(ctx context.Context) error {
	if e.configured != nil {
		return nil
	}
	// Every sync calls reload: compare the name first and read the model's data (megabytes)
	// only when it changed.
	name, ok, err := e.store.ActiveModelName(ctx)
	if err != nil {
		return fmt.Errorf("read active embedding model: %w", err)
	}
	if !ok || name == e.current().Model() {
		return nil
	}
	name, data, ok, err := e.store.ActiveModel(ctx)
	if err != nil {
		return fmt.Errorf("read active embedding model: %w", err)
	}
	if !ok || name == e.current().Model() {
		return nil
	}
	m, err := decodeLocalModel(data)
	if err == nil && m.emb.Model() != name {
		err = fmt.Errorf("model data is for %s", m.emb.Model())
	}
	if err != nil {
		e.logger.Warn("ignore unreadable embedding model", slog.String("model", name), slog.Any("error", err))
		return nil
	}
	e.setLocal(m)
	e.logger.Info("load embedding model", slog.String("model", name),
		slog.Int("dims", m.emb.Dims()), slog.Int("trained_on_chunks", m.trainedOn))
	return nil
}

// localMagic starts the saved data of a local model; the last byte is the format version.
const localMagic = "PLM\x01"

// encodeLocalModel serializes an LSA model with the chunk count it was trained on.
func encodeLocalModel(m *LSA, trainedOn int) ([]byte, error) {
	lsa, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := binary.AppendUvarint([]byte(localMagic), uint64(trainedOn))
	return append(b, lsa...), nil
}

// decodeLocalModel reads what encodeLocalModel wrote.
func decodeLocalModel(data []byte) (localModel, error) {
	rest, ok := bytes.CutPrefix(data, []byte(localMagic))
	if !ok {
		return localModel{}, errors.New("decode local model: unknown format")
	}
	trainedOn, n := binary.Uvarint(rest)
	if n <= 0 || trainedOn > math.MaxInt32 {
		return localModel{}, errors.New("decode local model: bad chunk count")
	}
	m, err := UnmarshalLSA(rest[n:])
	if err != nil {
		return localModel{}, fmt.Errorf("decode local model: %w", err)
	}
	return localModel{emb: m, trainedOn: int(trainedOn)}, nil
}
