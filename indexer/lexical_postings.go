package indexer

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"

	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Decoded postings of common terms. A pruned BM25 search (see bm25Query) still advances
// its passive terms to every document it visits, as a search limited to some documents
// advances all its terms, and bleve's postings iterator walks (and decodes) each posting
// on the way, so a term in most documents costs a pass over most documents per search.
// The postings of such terms, read once per index snapshot, are kept decoded here and
// searched by position instead.
const (
	postingCacheMinDF = 512     // terms in fewer documents are read from bleve
	postingCacheMax   = 2 << 20 // postings kept per snapshot, in all (24 bytes each: 48 MiB at most)
)

// postingCache holds decoded postings for one index snapshot: bleve's reader, whose
// identity is the snapshot's (scorch hands out the same one until the index changes) and
// which is kept so that its address is not reused. A search on another snapshot replaces
// the lot.
type postingCache struct {
	mu    sync.Mutex
	snap  bleveindex.IndexReader
	lists map[postingKey]*postingList
	size  int
}

type postingKey struct{ field, term string }

// postingList is one term's postings: the documents' internal IDs as numbers, ascending,
// with the term's frequency and the document's field length in each.
type postingList struct {
	nums    []uint64
	freqs   []float64
	lengths []float64
}

// get returns the cached list of term in field for the snapshot r, or nil.
func (c *postingCache) get(r bleveindex.IndexReader, field, term string) *postingList {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r {
		return nil
	}
	return c.lists[postingKey{field, term}]
}

// put keeps l for the snapshot r, unless the cache is full.
func (c *postingCache) put(r bleveindex.IndexReader, field, term string, l *postingList) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r {
		c.snap, c.lists, c.size = r, map[postingKey]*postingList{}, 0
	}
	if c.size+len(l.nums) > postingCacheMax {
		return
	}
	c.lists[postingKey{field, term}] = l
	c.size += len(l.nums)
}

// readPostings decodes the rest of tfr, from cur (its current posting) on.
func readPostings(tfr bleveindex.TermFieldReader, cur *bleveindex.TermFieldDoc, df int) (*postingList, error) {
	l := &postingList{nums: make([]uint64, 0, df), freqs: make([]float64, 0, df), lengths: make([]float64, 0, df)}
	for cur != nil {
		if len(cur.ID) != 8 {
			return nil, errInternalID(len(cur.ID))
		}
		l.nums = append(l.nums, binary.BigEndian.Uint64(cur.ID))
		l.freqs = append(l.freqs, float64(cur.Freq))
		l.lengths = append(l.lengths, fieldLength(cur.Norm))
		var err error
		if cur, err = tfr.Next(cur); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// fieldLength is the length of a field from bleve's norm (1/√len); 1 without one.
func fieldLength(norm float64) float64 {
	if norm > 0 {
		return math.Round(1 / (norm * norm))
	}
	return 1
}

// seek returns the position of the first posting at or after num, from position at on.
func (l *postingList) seek(at int, num uint64) int {
	// Gallop, then search the last step: visits are near each other or far apart.
	step := 1
	hi := at
	for hi < len(l.nums) && l.nums[hi] < num {
		at = hi + 1
		hi += step
		step *= 2
	}
	hi = min(hi, len(l.nums))
	i, _ := slices.BinarySearch(l.nums[at:hi], num)
	return at + i
}
