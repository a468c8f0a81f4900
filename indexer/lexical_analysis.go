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
	return proseTerms(text)
}

// termOf returns the index term of one word (a run of letters and digits), or "" when the
// analyser drops it (a stop word).
func termOf(word string) string {
	t, _ := wordTerm([]byte(word))
	return t
}

// proseFilters are the token filters of the prose analyser.
var proseFilters = sync.OnceValue(func() []analysis.TokenFilter {
	a, ok := prose().(*analysis.DefaultAnalyzer)
	if !ok || len(a.CharFilters) > 0 {
		panic("indexer: the prose analyser is not a plain tokenizer and token filters")
	}
	return a.TokenFilters
})

// proseTerms gives the terms prose().Analyze gives for text. It cuts the words itself, as
// the index's character tokenizer does (which stops at the first rune that does not
// decode), and maps each word to its term with wordTerm: the analyser's token filters
// (lowercase, stop words, stemmer) each look at one token alone. The tokenizer allocates
// room for 1,024 tokens on every call, which made re-analysing result text for snippets a
// third of a search's CPU.
func proseTerms(text string) []string {
	var out []string
	start, end, offset := 0, 0, 0
	word := func() {
		if end > start {
			if t, ok := wordTerm([]byte(text[start:end])); ok {
				out = append(out, t)
			}
		}
	}
	for r, size := utf8.DecodeRuneInString(text); r != utf8.RuneError; r, size = utf8.DecodeRuneInString(text[offset:]) {
		if isWordRune(r) {
			end = offset + size
		} else {
			word()
			start = offset + size
			end = start
		}
		offset += size
	}
	word()
	return out
}

// maxMemoWords bounds termMemo; past it the memo starts over.
const maxMemoWords = 100_000

// termMemo remembers the term of each word wordTerm has analysed ("" for a stop word):
// stemming is most of what analysing a text costs, and texts repeat their words.
var termMemo struct {
	sync.RWMutex
	terms map[string]string
}

// wordTerm returns the term of word (a run of letters and digits) by the prose analyser's
// token filters, and false when they drop it. The filters may rewrite word.
func wordTerm(word []byte) (string, bool) {
	termMemo.RLock()
	t, ok := termMemo.terms[string(word)]
	termMemo.RUnlock()
	if ok {
		return t, t != ""
	}
	key := string(word)
	toks := analysis.TokenStream{&analysis.Token{Term: word, Start: 0, End: len(word), Position: 1, Type: analysis.AlphaNumeric}}
	for _, f := range proseFilters() {
		toks = f.Filter(toks)
	}
	if len(toks) == 1 {
		t = string(toks[0].Term)
	}
	termMemo.Lock()
	if termMemo.terms == nil || len(termMemo.terms) >= maxMemoWords {
		termMemo.terms = make(map[string]string)
	}
	termMemo.terms[key] = t
	termMemo.Unlock()
	return t, t != ""
}

// Stem reduces a lowercase word to its index stem with the stemmer the index uses
// (bleve's Snowball English, Porter2), stop word or not.
func Stem(word string) string {
	env := snowballstem.NewEnv(word)
	english.Stem(env)
	return env.Current()
}
