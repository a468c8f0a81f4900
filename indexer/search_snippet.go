package indexer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// snippetWidth is about how many characters a snippet shows.
const snippetWidth = 240

// ellipsis marks where a snippet cuts its text.
const ellipsis = "…"

// token is one run of letters and digits of a text: byte offsets, rune offsets, and
// its index term as Terms computes it ("" when Terms drops it, which no term set holds).
type token struct {
	start, end   int
	rstart, rend int
	term         string
}

// tokens splits text into runs of letters and digits, the way Terms does.
func tokens(text string) []token {
	var (
		out   []token
		cur   = -1 // index in out of the open token
		runes int
	)
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if cur < 0 {
				out = append(out, token{start: i, rstart: runes})
				cur = len(out) - 1
			}
			out[cur].end, out[cur].rend = i+utf8.RuneLen(r), runes+1
		} else {
			cur = -1
		}
		runes++
	}
	for i := range out {
		out[i].term = termOf(text[out[i].start:out[i].end])
	}
	return out
}

// queryTerms returns the set of index terms of a query.
func queryTerms(text string) map[string]bool {
	set := make(map[string]bool)
	for _, t := range Terms(text) {
		set[t] = true
	}
	return set
}

// makeSnippet returns an excerpt of about width characters of text, its whitespace
// collapsed, cut at word boundaries and marked with "…" where the text goes on. It shows
// the window with the most distinct query terms (then the most matches), centred on them,
// or the start of the text when nothing matches. Highlights are the byte ranges of the
// snippet's words whose term is in terms.
func makeSnippet(text string, terms map[string]bool, width int) (string, [][2]int) {
	text = strings.Join(strings.Fields(text), " ")
	toks := tokens(text)
	if len(toks) == 0 {
		return clip(text, width), nil
	}
	lo, hi := bestWindow(toks, terms, width)
	lo, hi = centre(toks, terms, lo, hi, width)

	start, end := toks[lo].start, toks[hi-1].end
	if lo == 0 {
		start = 0
	}
	if hi == len(toks) {
		end = len(text)
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString(ellipsis)
	}
	shift := b.Len() - start
	b.WriteString(text[start:end])
	if end < len(text) {
		b.WriteString(ellipsis)
	}
	var hl [][2]int
	for _, t := range toks[lo:hi] {
		if terms[t.term] {
			hl = append(hl, [2]int{t.start + shift, t.end + shift})
		}
	}
	return b.String(), hl
}

// bestWindow returns the tokens [lo, hi) that fit in width characters and hold the most
// distinct terms, then the most matching tokens; the earliest such window wins.
func bestWindow(toks []token, terms map[string]bool, width int) (lo, hi int) {
	counts := make(map[string]int) // matching terms in the window [i, j)
	var matches, bestDistinct, bestMatches, j int
	for i := range toks {
		for j < len(toks) && (j == i || toks[j].rend-toks[i].rstart <= width) {
			if t := toks[j].term; terms[t] {
				counts[t]++
				matches++
			}
			j++
		}
		if len(counts) > bestDistinct || (len(counts) == bestDistinct && matches > bestMatches) {
			lo, hi, bestDistinct, bestMatches = i, j, len(counts), matches
		}
		if t := toks[i].term; terms[t] {
			matches--
			if counts[t]--; counts[t] == 0 {
				delete(counts, t)
			}
		}
	}
	if bestMatches == 0 {
		return 0, fit(toks, 0, width)
	}
	return lo, hi
}

// centre moves the window [lo, hi) so its matching tokens sit in the middle, with the
// spare width shared between the text before and after them, and returns it.
func centre(toks []token, terms map[string]bool, lo, hi, width int) (int, int) {
	first, last := -1, -1
	for i := lo; i < hi; i++ {
		if terms[toks[i].term] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return lo, hi
	}
	before := (width - (toks[last].rend - toks[first].rstart)) / 2
	lo = first
	for lo > 0 && toks[first].rstart-toks[lo-1].rstart <= before {
		lo--
	}
	hi = fit(toks, lo, width)
	for lo > 0 && hi == len(toks) && toks[hi-1].rend-toks[lo-1].rstart <= width {
		lo-- // the text ends soon: show more of what comes before
	}
	return lo, max(hi, last+1)
}

// fit returns the end of the longest run of tokens from lo that fits in width
// characters; it always holds at least the token at lo.
func fit(toks []token, lo, width int) int {
	hi := lo + 1
	for hi < len(toks) && toks[hi].rend-toks[lo].rstart <= width {
		hi++
	}
	return hi
}

// clip cuts text to width characters, marking the cut with "…".
func clip(text string, width int) string {
	if utf8.RuneCountInString(text) <= width {
		return text
	}
	return string([]rune(text)[:width]) + ellipsis
}
