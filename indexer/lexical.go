package indexer

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Internal (non-document) keys of the bleve index.
const (
	keySeq     = "seq"     // the last change Seq applied
	keyEpoch   = "epoch"   // the store's IndexEpoch the index was built from
	keyMapping = "mapping" // lexicalMappingVersion the index was created with
)

// ErrIndexLocked is returned when another process (a running server) holds the bleve index.
var ErrIndexLocked = errors.New("search index is in use by another process (a running server?)")

// lexicalOpenTimeout bounds the wait for another process's lock on the index.
const lexicalOpenTimeout = "5s"

// lexicalIndex is the bleve index of chunks: one bleve document per chunk, keyed by chunk
// ID, with nothing stored but the entity name. It records the store epoch and the last
// change Seq it applied as internal keys, written in the same batch as the documents.
type lexicalIndex struct {
	dir    string
	logger *slog.Logger

	// mu guards idx, which reset replaces; bleve itself is safe for concurrent use.
	mu  sync.RWMutex
	idx bleve.Index
	// postings keeps common terms' postings decoded for pruned BM25 searches.
	postings postingCache
}

// openLexical opens the bleve index in dir, or creates it when it is missing, unreadable
// or was made with another mapping. It fails, rather than rebuild, when another process
// holds the index.
func openLexical(dir string, logger *slog.Logger) (*lexicalIndex, error) {
	if logger == nil {
		logger = slog.Default()
	}
	x := &lexicalIndex{dir: dir, logger: logger}
	idx, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": lexicalOpenTimeout})
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		idx, err = x.create()
		if err != nil {
			return nil, err
		}
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("open bleve index %s: %w (%w)", dir, ErrIndexLocked, err)
	case err != nil:
		logger.Warn("search index unreadable, recreating", slog.String("dir", dir), slog.Any("error", err))
		idx, err = x.create()
		if err != nil {
			return nil, err
		}
	default:
		v, err := idx.GetInternal([]byte(keyMapping))
		if err != nil || string(v) != lexicalMappingVersion {
			logger.Info("search index mapping changed, recreating", slog.String("dir", dir),
				slog.String("mapping", string(v)), slog.String("want", lexicalMappingVersion))
			if err := idx.Close(); err != nil {
				return nil, fmt.Errorf("close bleve index %s: %w", dir, err)
			}
			idx, err = x.create()
			if err != nil {
				return nil, err
			}
		}
	}
	x.idx = idx
	return x, nil
}

// create removes dir and makes an empty index there with our mapping, epoch "" and Seq 0.
func (x *lexicalIndex) create() (bleve.Index, error) {
	if err := os.RemoveAll(x.dir); err != nil {
		return nil, fmt.Errorf("remove bleve index %s: %w", x.dir, err)
	}
	idx, err := bleve.NewUsing(x.dir, newLexicalMapping(), bleve.Config.DefaultIndexType,
		bleve.Config.DefaultKVStore, map[string]any{"bolt_timeout": lexicalOpenTimeout})
	if err != nil {
		return nil, fmt.Errorf("create bleve index %s: %w", x.dir, err)
	}
	if err := idx.SetInternal([]byte(keyMapping), []byte(lexicalMappingVersion)); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("create bleve index %s: %w", x.dir, err)
	}
	return idx, nil
}

// Close closes the index; the lexicalIndex must not be used afterwards.
func (x *lexicalIndex) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	if err != nil {
		return fmt.Errorf("close bleve index %s: %w", x.dir, err)
	}
	return nil
}

// state returns the last change Seq applied and the store epoch the index was built from.
func (x *lexicalIndex) state() (seq int64, epoch string, err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return 0, "", errLexicalClosed
	}
	s, err := x.idx.GetInternal([]byte(keySeq))
	if err != nil {
		return 0, "", fmt.Errorf("read bleve seq: %w", err)
	}
	if len(s) > 0 {
		seq, err = strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return 0, "", fmt.Errorf("read bleve seq %q: %w", s, err)
		}
	}
	e, err := x.idx.GetInternal([]byte(keyEpoch))
	if err != nil {
		return 0, "", fmt.Errorf("read bleve epoch: %w", err)
	}
	return seq, string(e), nil
}

// reset empties the index and records epoch, with Seq 0.
func (x *lexicalIndex) reset(epoch string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx != nil {
		if err := x.idx.Close(); err != nil {
			return fmt.Errorf("close bleve index %s: %w", x.dir, err)
		}
		x.idx = nil
	}
	idx, err := x.create()
	if err != nil {
		return err
	}
	if err := idx.SetInternal([]byte(keyEpoch), []byte(epoch)); err != nil {
		_ = idx.Close()
		return fmt.Errorf("set bleve epoch: %w", err)
	}
	x.idx = idx
	return nil
}

// docCount returns the number of bleve documents, that is of indexed chunks.
func (x *lexicalIndex) docCount() (uint64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return 0, errLexicalClosed
	}
	n, err := x.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count bleve documents: %w", err)
	}
	return n, nil
}
