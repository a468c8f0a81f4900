package indexer

// QueryTerms returns the set of index terms (stemmed, stopwords dropped) of a query: what
// highlighting looks for.
func QueryTerms(q string) map[string]bool { return queryTerms(q) }

// TermRanges returns the byte ranges of text's words whose index term is in terms. The
// indexer highlights snippets this way; the API uses it for any other field (a title), so
// a word is highlighted in both exactly when search matched it.
func TermRanges(text string, terms map[string]bool) [][2]int {
	if len(terms) == 0 {
		return nil
	}
	var out [][2]int
	for _, t := range tokens(text) {
		if t.term != "" && terms[t.term] {
			out = append(out, [2]int{t.start, t.end})
		}
	}
	return out
}
