package indexer

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
)

// suggestCandidates bounds the entity names suggest compares with the word.
const suggestCandidates = 50

// suggestMaxLetters is the longest word suggest fuzzy-matches: an entity name has at
// most 63 characters and a suggestion is at most 2 edits away, so a longer word has no
// suggestion, and the fuzzy automaton bleve builds grows with the word.
const suggestMaxLetters = 63 + 2

// suggest returns the entity name, or word of an entity name, that aud may see and that is
// closest to word by edit distance (at most 1 for words up to 4 letters, 2 above), or ""
// when there is none, when word is shorter than 3 letters or longer than suggestMaxLetters,
// or when word is itself one.
// Ties go to the whole name, then to the first in alphabetical order.
func (x *lexicalIndex) suggest(ctx context.Context, word string, aud Audience) (string, error) {
	word = strings.ToLower(strings.TrimSpace(word))
	n := utf8.RuneCountInString(word)
	if n < 3 || n > suggestMaxLetters {
		return "", nil
	}
	fuzziness := 2
	if n <= 4 {
		fuzziness = 1
	}
	whole := bleve.NewFuzzyQuery(word)
	whole.SetField(fieldName)
	whole.SetFuzziness(fuzziness)
	part := bleve.NewFuzzyQuery(word)
	part.SetField(fieldNameParts)
	part.SetFuzziness(fuzziness)
	bq := bleve.NewBooleanQuery()
	bq.AddMust(bleve.NewDisjunctionQuery(whole, part))
	restrictTo(bq, aud)
	req := bleve.NewSearchRequestOptions(bq, suggestCandidates, 0, false)
	req.Fields = []string{fieldName}

	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return "", errLexicalClosed
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("suggest entity name for %q: %w", word, err)
	}
	best, bestDist, bestWhole := "", fuzziness+1, false
	consider := func(s string, whole bool) {
		d := editDistance(word, s)
		switch {
		case d < bestDist,
			d == bestDist && whole && !bestWhole,
			d == bestDist && whole == bestWhole && s < best:
			best, bestDist, bestWhole = s, d, whole
		}
	}
	for _, h := range res.Hits {
		name, _ := h.Fields[fieldName].(string)
		if name == "" {
			continue
		}
		consider(name, true)
		for _, p := range nameWords(name) {
			consider(p, false)
		}
	}
	if bestDist == 0 || bestDist > fuzziness {
		return "", nil
	}
	return best, nil
}

// nameWords splits an entity name into its words, as the name analyzer does.
func nameWords(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > utf8.RuneSelf)
	})
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
