package indexer

import (
	"context"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// Term proximity for hybrid search, after the sequential dependence model (Metzler and
// Croft 2005): besides its words, a query says which words belong together, and a
// document where they stand next to each other (an ordered pair, window 1) or near
// each other (an unordered pair within proxWindow positions) is more likely about the
// query than one that holds them pages apart. The evidence is computed over the stored
// text of the top documents only, so its cost is bounded by tuning.proxDepth.

// proxMaxChars bounds the text a document is read for pairs: the evidence of a long
// document's opening sections is enough, and the work per request stays small.
const proxMaxChars = 8_000

// stopWords is the Snowball English stop list the prose analyser drops.
var stopWords = sync.OnceValue(func() analysis.TokenMap {
	m := analysis.NewTokenMap()
	if err := m.LoadBytes(en.EnglishStopWords); err != nil {
		panic(err) // the list is compiled in
	}
	return m
})

// pairTokens returns the terms of text in order as Terms would, except that a word that
// cannot stem to one of the query's terms is "" (its place counts, its stem is not worked
// out): Porter2 changes only a word's ending, so a word whose first two letters (prefix2)
// begin no query term cannot become one. stems caches the stems of the words seen so far. It is
// Terms made cheap enough to run over the top documents of every hybrid query.
func pairTokens(text string, prefixes map[string]bool, stems map[string]string) []string {
	stop := stopWords()
	var out []string
	for len(text) > 0 {
		i := strings.IndexFunc(text, isWordRune)
		if i < 0 {
			break
		}
		text = text[i:]
		j := strings.IndexFunc(text, func(r rune) bool { return !isWordRune(r) })
		if j < 0 {
			j = len(text)
		}
		word := strings.ToLower(text[:j])
		text = text[j:]
		if stop[word] {
			continue
		}
		if !prefixes[prefix2(word)] {
			out = append(out, "")
			continue
		}
		st, ok := stems[word]
		if !ok {
			st = Stem(word)
			stems[word] = st
		}
		out = append(out, st)
	}
	return out
}

// prefix2 is the first two letters of a word (the word itself when shorter), with y
// read as i: Porter2 keeps a word's first two letters but for dying, lying and tying.
func prefix2(w string) string {
	n := 0
	for k := 0; k < 2 && n < len(w); k++ {
		_, size := utf8.DecodeRuneInString(w[n:])
		n += size
	}
	return strings.ReplaceAll(w[:n], "y", "i")
}

// queryPairs returns the adjacent pairs of the analysed query terms, in query order,
// each once; a term next to itself makes no pair.
func queryPairs(terms []string) [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	for i := 1; i < len(terms); i++ {
		p := [2]string{terms[i-1], terms[i]}
		if p[0] == p[1] || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// pairCounts returns, for each pair, how often its two terms stand in order next to each
// other in toks, and how often they stand within window positions of each other in any
// order.
func pairCounts(toks []string, pairs [][2]string, window int) (ordered, near []int) {
	ordered, near = make([]int, len(pairs)), make([]int, len(pairs))
	want := map[string]bool{}
	for _, p := range pairs {
		want[p[0]], want[p[1]] = true, true
	}
	pos := map[string][]int{}
	for i, t := range toks {
		if want[t] {
			pos[t] = append(pos[t], i)
		}
	}
	for k, p := range pairs {
		a, b := pos[p[0]], pos[p[1]]
		if len(a) == 0 || len(b) == 0 {
			continue
		}
		j := 0
		for _, i := range a {
			for j < len(b) && b[j] < i-window+1 {
				j++
			}
			for m := j; m < len(b) && b[m] < i+window; m++ {
				near[k]++
				if b[m] == i+1 {
					ordered[k]++
				}
			}
		}
	}
	return ordered, near
}

// proximity adds tuning.proxWeight × each of the top tuning.proxDepth documents'
// proximity score (over the best of them) to its score and re-ranks. The score of a
// document is Σ over the query's pairs of sat(ordered) + tuning.proxNear × sat(near),
// where sat(c) = c·(k1+1)/(c + k1·(1 − b + b·len/avglen)) saturates like BM25's tf.
func (s *Service) proximity(ctx context.Context, query string, ranked []ChunkHit) error {
	w, depth := tuning.proxWeight, tuning.proxDepth
	if w <= 0 || depth <= 0 || len(ranked) < 2 {
		return nil
	}
	qterms := Terms(query)
	pairs := queryPairs(qterms)
	if len(pairs) == 0 {
		return nil
	}
	top := ranked[:min(len(ranked), depth)]
	texts, err := s.docTexts(ctx, docIDs(top))
	if err != nil {
		return err
	}
	prefixes := make(map[string]bool, len(qterms))
	for _, t := range qterms {
		prefixes[prefix2(t)] = true
	}
	stems := map[string]string{}
	toks := make([][]string, len(top))
	var total float64
	for i, h := range top {
		t := texts[h.DocID]
		if len(t) > proxMaxChars {
			t = t[:proxMaxChars]
		}
		toks[i] = pairTokens(t, prefixes, stems)
		total += float64(len(toks[i]))
	}
	avg := max(total/float64(len(top)), 1)
	scores := make([]float64, len(top))
	var best float64
	for i := range top {
		ordered, near := pairCounts(toks[i], pairs, tuning.proxWindow)
		norm := bm25K1 * (1 - bm25B + bm25B*float64(len(toks[i]))/avg)
		sat := func(c int) float64 { return float64(c) * (bm25K1 + 1) / (float64(c) + norm) }
		for k := range pairs {
			scores[i] += sat(ordered[k]) + tuning.proxNear*sat(near[k])
		}
		best = math.Max(best, scores[i])
	}
	if best <= 0 {
		return nil
	}
	var lead float64
	for _, h := range top {
		lead = max(lead, h.Score)
	}
	for i := range top {
		top[i].Score += w * lead * scores[i] / best
	}
	sortByScore(ranked)
	return nil
}
