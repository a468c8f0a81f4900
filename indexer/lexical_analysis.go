package indexer

import (
	"sync"
	"unicode"

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
	toks := prose().Analyze([]byte(text))
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
	toks := prose().Analyze([]byte(word))
	if len(toks) != 1 {
		return ""
	}
	return string(toks[0].Term)
}

// Stem reduces a lowercase word to its index stem with the stemmer the index uses
// (bleve's Snowball English, Porter2), stop word or not.
func Stem(word string) string {
	env := snowballstem.NewEnv(word)
	english.Stem(env)
	return env.Current()
}
