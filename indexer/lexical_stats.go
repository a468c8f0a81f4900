package indexer

import (
	"fmt"
	"strconv"
	"strings"
)

// keyStats is the internal key of the BM25 statistics of the index (lens, as text).
const keyStats = "bm25_stats"

// lens counts what BM25 needs to know of a collection: how many chunks and documents it
// holds and their lengths in terms. One chunk stores its own share (its length, and for a
// first chunk the whole document's), so deleting it can take that share back out; the
// index stores the sum under keyStats, written in the same batch as the chunks.
type lens struct {
	chunks, chunkLen int
	docs, docLen     int
}

// add returns l plus o.
func (l lens) add(o lens) lens {
	return lens{l.chunks + o.chunks, l.chunkLen + o.chunkLen, l.docs + o.docs, l.docLen + o.docLen}
}

// sub returns l minus o.
func (l lens) sub(o lens) lens {
	return lens{l.chunks - o.chunks, l.chunkLen - o.chunkLen, l.docs - o.docs, l.docLen - o.docLen}
}

// String is l as four space-separated integers, as stored.
func (l lens) String() string {
	return fmt.Sprintf("%d %d %d %d", l.chunks, l.chunkLen, l.docs, l.docLen)
}

// parseLens reads what String wrote; "" is zero.
func parseLens(s string) (lens, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return lens{}, nil
	}
	if len(f) != 4 {
		return lens{}, fmt.Errorf("bm25 lengths %q: want 4 numbers", s)
	}
	var n [4]int
	for i, v := range f {
		x, err := strconv.Atoi(v)
		if err != nil {
			return lens{}, fmt.Errorf("bm25 lengths %q: %w", s, err)
		}
		n[i] = x
	}
	return lens{n[0], n[1], n[2], n[3]}, nil
}

// bm25Stats are the collection statistics of one level (chunks or whole documents).
type bm25Stats struct {
	n      float64 // how many
	avgLen float64 // mean length in terms
}

// level returns the statistics of chunks or, when docs is set, of whole documents.
func (l lens) level(docs bool) bm25Stats {
	n, total := l.chunks, l.chunkLen
	if docs {
		n, total = l.docs, l.docLen
	}
	if n <= 0 {
		return bm25Stats{}
	}
	return bm25Stats{n: float64(n), avgLen: float64(total) / float64(n)}
}

// stats reads the statistics the index holds.
func (x *lexicalIndex) stats() (lens, error) {
	v, err := x.idx.GetInternal([]byte(keyStats))
	if err != nil {
		return lens{}, fmt.Errorf("read bm25 statistics: %w", err)
	}
	return parseLens(string(v))
}

// statsLocked is stats for callers outside the lock.
func (x *lexicalIndex) statsLocked() (lens, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return lens{}, errLexicalClosed
	}
	return x.stats()
}
