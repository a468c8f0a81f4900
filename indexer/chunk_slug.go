package indexer

import (
	"strconv"
	"strings"
	"unicode"
)

// slugger gives headings GitHub-style anchors, unique within one document: the
// second "Setup" becomes "setup-1", the third "setup-2".
type slugger map[string]int

func (s slugger) slug(title string) string {
	base := slug(title)
	out := base
	for {
		if _, taken := s[out]; !taken {
			break
		}
		s[base]++
		out = base + "-" + strconv.Itoa(s[base])
	}
	s[out] = 0
	return out
}

// slug lowercases title, turns each space into '-' and drops punctuation and
// symbols, keeping letters, digits, '-' and '_', as GitHub does.
func slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
