package api

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// textPart is a piece of a snippet, marked when it matches the query. The search page
// renders marked parts in <mark>; html/template escapes both kinds.
type textPart struct {
	Text string
	Mark bool
}

// cleanRanges returns the usable highlight ranges of text: inside it, on rune boundaries,
// non-empty, sorted and not overlapping. The indexer's ranges are already so; this keeps
// a bad range from ever splitting a character or panicking a slice.
func cleanRanges(text string, ranges [][2]int) [][2]int {
	rs := slices.Clone(ranges)
	slices.SortFunc(rs, func(a, b [2]int) int { return a[0] - b[0] })
	var out [][2]int
	end := 0
	for _, r := range rs {
		s, e := r[0], r[1]
		if s < end || s >= e || e > len(text) || !boundary(text, s) || !boundary(text, e) {
			continue
		}
		out = append(out, r)
		end = e
	}
	return out
}

// boundary reports whether byte offset i of text starts a rune (or is its end).
func boundary(text string, i int) bool {
	return i == len(text) || utf8.RuneStart(text[i])
}

// splitMarked cuts text into plain and marked parts at the ranges.
func splitMarked(text string, ranges [][2]int) []textPart {
	var parts []textPart
	at := 0
	for _, r := range cleanRanges(text, ranges) {
		if r[0] > at {
			parts = append(parts, textPart{Text: text[at:r[0]]})
		}
		parts = append(parts, textPart{Text: text[r[0]:r[1]], Mark: true})
		at = r[1]
	}
	if at < len(text) {
		parts = append(parts, textPart{Text: text[at:]})
	}
	return parts
}

// tagRanges wraps each range of text in pre and post, as Backstage's highlight fields do.
func tagRanges(text string, ranges [][2]int, pre, post string) string {
	var b strings.Builder
	for _, p := range splitMarked(text, ranges) {
		if p.Mark {
			b.WriteString(pre + p.Text + post)
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}
