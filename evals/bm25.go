package evals

import (
	"cmp"
	"context"
	_ "embed"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/nextportal/portal/indexer"
)

// ModeBM25 names the reference row of a report: plain BM25 over whole documents, computed
// by [BM25] beside the portal's own modes.
const ModeBM25 indexer.Mode = "bm25"

// The parameters of the reference BM25 (Okapi, as in the README of the IR test sets).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Doc is one document of a reference index: its ID and its whole text (title and body).
type Doc struct {
	ID   string
	Text string
}

// BM25 is a small, independent, in-memory Okapi BM25 ranker over whole documents, the
// yardstick the portal's search modes are measured against: k1 = 1.2, b = 0.75,
// idf = ln(1 + (N − df + 0.5)/(df + 0.5)); tokens are runs of Unicode letters and digits,
// lowercased, Snowball English stop words dropped, Porter2 (Snowball English) stemmed; each
// query token occurrence adds its term's score; ties go to the lower document ID.
// It shares no code with the indexer.
type BM25 struct {
	ids      []string
	norm     []float64 // k1·(1 − b + b·len/avglen) per document
	postings map[string][]posting
}

type posting struct {
	doc int
	tf  float64
}

// NewBM25 indexes docs.
func NewBM25(docs []Doc) *BM25 {
	x := &BM25{postings: map[string][]posting{}}
	lens := make([]float64, len(docs))
	var total float64
	for i, d := range docs {
		x.ids = append(x.ids, d.ID)
		tf := map[string]int{}
		toks := refTokens(d.Text)
		for _, t := range toks {
			tf[t]++
		}
		for _, t := range slices.Sorted(maps.Keys(tf)) {
			x.postings[t] = append(x.postings[t], posting{doc: i, tf: float64(tf[t])})
		}
		lens[i] = float64(len(toks))
		total += lens[i]
	}
	avg := total / float64(max(len(docs), 1))
	x.norm = make([]float64, len(docs))
	for i, l := range lens {
		x.norm[i] = bm25K1 * (1 - bm25B + bm25B*l/avg)
	}
	return x
}

// Search returns the IDs of the k best documents for query, best first.
func (x *BM25) Search(query string, k int) []string {
	n := float64(len(x.ids))
	scores := map[int]float64{}
	for _, t := range refTokens(query) {
		ps := x.postings[t]
		if len(ps) == 0 {
			continue
		}
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range ps {
			scores[p.doc] += idf * p.tf * (bm25K1 + 1) / (p.tf + x.norm[p.doc])
		}
	}
	docs := make([]int, 0, len(scores))
	for d := range scores {
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b int) int {
		if c := cmp.Compare(scores[b], scores[a]); c != 0 {
			return c
		}
		return strings.Compare(x.ids[a], x.ids[b])
	})
	out := make([]string, 0, min(k, len(docs)))
	for _, d := range docs[:min(k, len(docs))] {
		out = append(out, x.ids[d])
	}
	return out
}

// Searcher returns a Searcher over x that ignores the mode it is asked for; docID maps a
// reference document ID to the ID the report compares (nil: unchanged).
func (x *BM25) Searcher(docID func(string) string) Searcher {
	return func(_ context.Context, query string, _ indexer.Mode, k int) ([]string, error) {
		ids := x.Search(query, k)
		if docID != nil {
			for i, id := range ids {
				ids[i] = docID(id)
			}
		}
		return ids, nil
	}
}

// refStop is the Snowball English stop list, kept as a file beside the reference so that
// the reference shares nothing with the search engine it measures.
var refStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(stopwordsEN) {
		m[w] = true
	}
	return m
}()

//go:embed stopwords_en.txt
var stopwordsEN string

// refTokens is the reference analysis of text.
func refTokens(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := words[:0]
	for _, w := range words {
		if refStop[w] {
			continue
		}
		env := snowballstem.NewEnv(w)
		english.Stem(env)
		out = append(out, env.Current())
	}
	return out
}
