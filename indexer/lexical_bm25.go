package indexer

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Okapi BM25 parameters: the classic k1 = 1.2, b = 0.75, near the best single setting on
// the classic test collections (issue 10).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// bm25Term is one analysed query term and its weight: how often the query holds it, or
// its feedback weight.
type bm25Term struct {
	term   string
	weight float64
}

// bm25Query scores the documents holding any of its terms in one field by Okapi BM25:
// Σ weight·idf·tf·(k1+1)/(tf + k1·(1 − b + b·len/avglen)), idf = ln(1 + (N − df + 0.5)/(df + 0.5)).
// bleve's own BM25 differs on purpose or by accident where it matters for ranking: it takes
// the square root of tf, multiplies a disjunction by the share of terms matched, and
// estimates the mean length from the size of the field's dictionary. The collection
// statistics come from the index's lens (lexical_stats.go); df and the lengths from the
// postings (bleve stores 1/√len as a norm).
//
// With a floor above 0 it skips documents that cannot reach it (MaxScore, Turtle and Flood
// 1995): a term adds less than weight·idf·(k1+1) to any document, so the terms whose such
// bounds, lowest first, sum to less than the floor cannot lift a document to it alone; only
// documents holding one of the other terms are visited (and scored by every term, in term
// order, so the scores are the unpruned search's to the bit), and of those only the ones
// that reach the floor are returned. A caller that knows its k-th best score is at least the
// floor loses nothing from its top k, only from the total.
//
// With auto set and no floor, the searcher picks its own: the terms whose bounds sum to
// less than the highest single bound are passive, and it records their sum in skipped; the
// caller must check that its K-th hit reaches skipped (else search again without pruning).
type bm25Query struct {
	field   string
	terms   []bm25Term
	stats   bm25Stats
	floor   float64
	auto    bool
	skipped float64 // set by Searcher: the bound of the documents it skips (0: none)
	// cache, when set, serves the passive postings of common terms (lexical_postings.go).
	cache *postingCache
}

// Searcher implements bleve's query.Query.
func (q *bm25Query) Searcher(ctx context.Context, r bleveindex.IndexReader, _ mapping.IndexMapping, _ search.SearcherOptions) (search.Searcher, error) {
	s := &bm25Searcher{avgLen: max(q.stats.avgLen, 1), floor: max(q.floor, 0)}
	for _, t := range q.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t.term), q.field, true, true, false)
		if err != nil {
			s.Close()
			return nil, err
		}
		df := float64(tfr.Count())
		cur, err := tfr.Next(nil)
		if err != nil || cur == nil || df == 0 {
			tfr.Close()
			if err != nil {
				s.Close()
				return nil, err
			}
			continue
		}
		n := max(q.stats.n, df)
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		p := &bm25Posting{term: t.term, r: tfr, weight: t.weight * idf, df: uint64(df)}
		if err := p.set(cur); err != nil {
			tfr.Close()
			s.Close()
			return nil, err
		}
		s.postings = append(s.postings, p)
	}
	q.skipped = s.prune(q.floor, q.auto)
	if q.cache != nil {
		if err := s.decode(r, q.field, q.cache); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// decode serves the postings of common terms from their decoded lists, reading and
// keeping those the cache lacks.
func (s *bm25Searcher) decode(r bleveindex.IndexReader, field string, c *postingCache) error {
	for _, p := range s.postings {
		if p.df < postingCacheMinDF || p.cur == nil {
			continue
		}
		l := c.get(r, field, p.term)
		if l == nil {
			var err error
			if l, err = readPostings(p.r, p.cur, int(p.df)); err != nil {
				return err
			}
			c.put(r, field, p.term, l)
		}
		if err := p.r.Close(); err != nil {
			return err
		}
		p.r, p.cur, p.list = nil, nil, l
		p.at = -1
		p.move(0)
	}
	return nil
}

// prune marks as passive the postings whose score bounds, lowest first, sum to less than
// floor (with auto and no floor: than the highest bound), unless that would leave none to
// drive the search, counts the others' matches and returns the passive bounds' sum: every
// document it skips scores below that.
func (s *bm25Searcher) prune(floor float64, auto bool) float64 {
	var sum float64
	if len(s.postings) > 1 && (floor > 0 || auto) {
		byBound := slices.Clone(s.postings)
		slices.SortStableFunc(byBound, func(a, b *bm25Posting) int { return cmp.Compare(a.weight, b.weight) })
		if floor <= 0 {
			floor = byBound[len(byBound)-1].weight * (bm25K1 + 1)
		}
		for _, p := range byBound[:len(byBound)-1] {
			b := p.weight * (bm25K1 + 1)
			if sum+b >= floor || p.weight <= 0 {
				break
			}
			sum += b
			p.passive = true
			s.pruned = true
		}
	}
	for _, p := range s.postings {
		if !p.passive {
			s.count += p.df
		}
	}
	return sum
}

// bm25Posting is one term's postings with its weight·idf and the current document: its
// internal ID (8 bytes, big-endian, in scorch) as a number, the term's frequency in it and
// its length. The postings come from bleve's reader r, or from a decoded list.
type bm25Posting struct {
	term   string
	r      bleveindex.TermFieldReader
	cur    *bleveindex.TermFieldDoc // r's current posting
	list   *postingList             // instead of r
	at     int                      // the current position in list
	done   bool
	num    uint64
	freq   float64
	length float64
	weight float64
	df     uint64
	// passive postings do not drive the search: they are only advanced to the documents
	// the others hold (see bm25Query's floor).
	passive bool
}

// set makes cur, read from r, the current document.
func (p *bm25Posting) set(cur *bleveindex.TermFieldDoc) error {
	p.cur = cur
	if cur == nil {
		p.done = true
		return nil
	}
	if len(cur.ID) != 8 {
		return errInternalID(len(cur.ID))
	}
	p.num = binary.BigEndian.Uint64(cur.ID)
	p.freq, p.length = float64(cur.Freq), fieldLength(cur.Norm)
	return nil
}

// move makes the list's posting at i the current one.
func (p *bm25Posting) move(i int) {
	p.at = i
	if i >= len(p.list.nums) {
		p.done = true
		return
	}
	p.num, p.freq, p.length = p.list.nums[i], p.list.freqs[i], p.list.lengths[i]
}

// next moves to the next posting.
func (p *bm25Posting) next() error {
	if p.list != nil {
		p.move(p.at + 1)
		return nil
	}
	next, err := p.r.Next(p.cur)
	if err != nil {
		return err
	}
	return p.set(next)
}

// advance moves to the first posting at or after the document num, whose ID is id.
func (p *bm25Posting) advance(num uint64, id bleveindex.IndexInternalID) error {
	if p.done || p.num >= num {
		return nil
	}
	if p.list != nil {
		p.move(p.list.seek(p.at, num))
		return nil
	}
	next, err := p.r.Advance(id, p.cur)
	if err != nil {
		return err
	}
	return p.set(next)
}

// errInternalID reports an internal document ID of an unexpected size.
func errInternalID(n int) error {
	return fmt.Errorf("bm25: internal document ID of %d bytes, want 8", n)
}

// bm25Searcher walks the union of its postings in document order.
type bm25Searcher struct {
	postings []*bm25Posting
	avgLen   float64
	count    uint64
	pruned   bool    // some postings are passive
	floor    float64 // documents scoring less are skipped (bm25Query's floor)
	id       []byte  // scratch for advancing passive postings
}

// Next returns the next document holding any term (any active term when pruned) and, with
// a floor, scoring at least that, scored.
func (s *bm25Searcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	var lowest uint64
	var score float64
	for {
		found := false
		for _, p := range s.postings {
			if !p.done && !p.passive && (!found || p.num < lowest) {
				lowest, found = p.num, true
			}
		}
		if !found {
			return nil, nil
		}
		if s.pruned {
			s.id = binary.BigEndian.AppendUint64(s.id[:0], lowest)
		}
		score = 0
		for _, p := range s.postings {
			if p.passive {
				if err := p.advance(lowest, s.id); err != nil {
					return nil, err
				}
			}
			if p.done || p.num != lowest {
				continue
			}
			score += p.weight * p.freq * (bm25K1 + 1) / (p.freq + bm25K1*(1-bm25B+bm25B*p.length/s.avgLen))
			if err := p.next(); err != nil {
				return nil, err
			}
		}
		if score >= s.floor {
			break
		}
	}
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = binary.BigEndian.AppendUint64(dm.IndexInternalID[:0], lowest)
	dm.Score = score
	return dm, nil
}

// Advance moves every posting to id or past it and returns the next match from there.
func (s *bm25Searcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if len(id) != 8 {
		return nil, errInternalID(len(id))
	}
	num := binary.BigEndian.Uint64(id)
	for _, p := range s.postings {
		if err := p.advance(num, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// Close closes every posting reader.
func (s *bm25Searcher) Close() error {
	var first error
	for _, p := range s.postings {
		if p.r == nil {
			continue
		}
		if err := p.r.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.postings = nil
	return first
}

// Weight is 1: the scores are BM25's own, whatever the query norm.
func (s *bm25Searcher) Weight() float64 { return 1 }

// SetQueryNorm is ignored (see Weight).
func (s *bm25Searcher) SetQueryNorm(float64) {}

// Count is an upper bound of the matches: the sum of the active terms' document frequencies.
func (s *bm25Searcher) Count() uint64 { return s.count }

// Min is 0: any one term matches.
func (s *bm25Searcher) Min() int { return 0 }

// Size is a rough estimate of the searcher's memory.
func (s *bm25Searcher) Size() int { return 64 + 48*len(s.postings) }

// DocumentMatchPoolSize is 1: Next holds no match of its own.
func (s *bm25Searcher) DocumentMatchPoolSize() int { return 1 }
