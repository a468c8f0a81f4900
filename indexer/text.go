package indexer

import (
	"strings"
	"unicode"
)

// Terms splits text into index terms: lowercased runs of letters and digits, without
// English stopwords and one-character tokens, each reduced by [Stem]. The same text
// always gives the same terms in the same order; repeated terms are kept.
func Terms(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	terms := fields[:0]
	for _, f := range fields {
		if len(f) < 2 || len([]rune(f)) < 2 || stopwords[f] {
			continue
		}
		terms = append(terms, Stem(f))
	}
	return terms
}

// stopwords are common English function words, close to the Snowball English list.
var stopwords = toSet(`a about above after again against all am an and any are as at be
because been before being below between both but by can could did do does doing down
during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not
now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves`)

func toSet(words string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}
