package indexer

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/character"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// The analysis of every prose field, and of Terms: runs of Unicode letters and digits,
// lowercased, Snowball English stop words dropped, stemmed with bleve's Snowball English
// (Porter2) stemmer. It is what plain BM25 uses (evals.BM25), so that keyword search is
// that BM25; one analyser for the index, the query, snippets and the LSA model means their
// terms always agree.
const (
	proseAnalyzer  = "portal_en"
	proseTokenizer = "portal_words"
)

func init() {
	// Registering a name twice is a programmer bug; bleve's registry is global.
	if err := registry.RegisterTokenizer(proseTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return character.NewCharacterTokenizer(isWordRune), nil
	}); err != nil {
		panic(err)
	}
}

// isWordRune reports whether r belongs to a word: a letter or a digit.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// addProseAnalyzer adds the prose analyser to im.
func addProseAnalyzer(im *mapping.IndexMappingImpl) {
	// AddCustomAnalyzer only fails for an unknown component, which is a programmer bug.
	if err := im.AddCustomAnalyzer(proseAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     proseTokenizer,
		"token_filters": []any{lowercase.Name, en.StopName, en.SnowballStemmerName},
	}); err != nil {
		panic(err)
	}
}

// prose is the prose analyser, as the index runs it (built on first use, after init has
// registered the tokenizer).
var prose = sync.OnceValue(func() analysis.Analyzer {
	a := newLexicalMapping().AnalyzerNamed(proseAnalyzer)
	if a == nil {
		panic("indexer: prose analyser missing from the mapping")
	}
	return a
})

// Terms splits text into index terms with the index's prose analyser: lowercased runs of
// letters and digits, without Snowball English stop words, Porter2-stemmed. The same
// text always gives the same terms in the same order; repeated terms are kept.
func Terms(text string) []string {
	toks := analyzeProse(text)
	if len(toks) == 0 {
		return nil
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = string(t.Term)
	}
	return out
}

// termOf returns the index term of one word (a run of letters and digits), or "" when the
// analyser drops it (a stop word).
func termOf(word string) string {
	toks := analyzeProse(word)
	if len(toks) != 1 {
		return ""
	}
	return string(toks[0].Term)
}

// proseFilters are the token filters of the prose analyser.
var proseFilters = sync.OnceValue(func() []analysis.TokenFilter {
	a, ok := prose().(*analysis.DefaultAnalyzer)
	if !ok || len(a.CharFilters) > 0 {
		panic("indexer: the prose analyser is not a plain tokenizer and token filters")
	}
	return a.TokenFilters
})

// analyzeProse gives the tokens prose().Analyze gives for text, cutting the words itself
// as the index's character tokenizer does (it stops at the first rune that does not decode)
// and then running the analyser's token filters. The tokenizer allocates room for 1,024
// tokens on every call, which made re-analysing result text for snippets a third of a
// search's CPU; this allocates what the text needs. Start, End and Position are not set:
// no filter reads them and no caller uses them.
func analyzeProse(text string) analysis.TokenStream {
	input := []byte(text) // the lowercase filter rewrites terms in place
	var spans [][2]int
	start, end, offset := 0, 0, 0
	for r, size := utf8.DecodeRune(input); r != utf8.RuneError; r, size = utf8.DecodeRune(input[offset:]) {
		if isWordRune(r) {
			end = offset + size
		} else {
			if end > start {
				spans = append(spans, [2]int{start, end})
			}
			start = offset + size
			end = start
		}
		offset += size
	}
	if end > start {
		spans = append(spans, [2]int{start, end})
	}
	if len(spans) == 0 {
		return nil
	}
	backing := make([]analysis.Token, len(spans))
	toks := make(analysis.TokenStream, len(spans))
	for i, sp := range spans {
		backing[i] = analysis.Token{Term: input[sp[0]:sp[1]], Start: sp[0], End: sp[1], Position: i + 1, Type: analysis.AlphaNumeric}
		toks[i] = &backing[i]
	}
	for _, f := range proseFilters() {
		toks = f.Filter(toks)
	}
	return toks
}

// Stem reduces a lowercase word to its index stem with the stemmer the index uses
// (bleve's Snowball English, Porter2), stop word or not.
func Stem(word string) string {
	env := snowballstem.NewEnv(word)
	english.Stem(env)
	return env.Current()
}
