package indexer

import (
	"context"
	"fmt"
	"strings"
)

// Bounds of "did you mean".
const (
	suggestMinLetters = 4 // shorter words are too often meant as typed
	suggestMaxWords   = 8 // query words checked, to bound the searches one query costs
	// suggestMaxTotal bounds the letters of the words checked together: each fuzzy search
	// allocates about 70 KB per letter of its word (measured at edit distance 2), so a query
	// of long words would otherwise cost tens of megabytes.
	suggestMaxTotal = 160
)

// didYouMean returns text with each word of four or more letters that matches no chunk
// aud may see replaced by the closest entity name aud may see, or "" when it replaced
// nothing. The lexical index answers both questions within the audience, so a restricted
// entity's name is never suggested to someone who may not see it.
func (s *Service) didYouMean(ctx context.Context, text string, aud Audience) (string, error) {
	replace := make(map[string]string) // lowercased word → suggestion ("" for none)
	for _, w := range suggestWords(text) {
		found, err := s.lex.anyVisible(ctx, w, aud)
		if err != nil {
			return "", fmt.Errorf("check query word %q: %w", w, err)
		}
		if found {
			continue
		}
		name, err := s.lex.suggest(ctx, w, aud)
		if err != nil {
			return "", fmt.Errorf("suggest for %q: %w", w, err)
		}
		if name != "" && name != w {
			replace[w] = name
		}
	}
	if len(replace) == 0 {
		return "", nil
	}
	return replaceWords(text, replace), nil
}

// suggestWords returns the distinct words of text, lowercased, that are worth a
// suggestion: four letters or more, at most suggestMaxLetters, and not stopwords; at most
// suggestMaxWords of them with at most suggestMaxTotal letters together.
func suggestWords(text string) []string {
	var out []string
	seen := make(map[string]bool)
	total := 0
	for _, t := range tokens(text) {
		w := strings.ToLower(text[t.start:t.end])
		n := t.rend - t.rstart
		if t.term == "" || n < suggestMinLetters || n > suggestMaxLetters || total+n > suggestMaxTotal || seen[w] {
			continue
		}
		seen[w] = true
		total += n
		out = append(out, w)
		if len(out) == suggestMaxWords {
			break
		}
	}
	return out
}

// replaceWords returns text with every word whose lowercase is a key of with replaced
// by its value; the rest of text is kept as it is.
func replaceWords(text string, with map[string]string) string {
	var b strings.Builder
	last := 0
	for _, t := range tokens(text) {
		r, ok := with[strings.ToLower(text[t.start:t.end])]
		if !ok {
			continue
		}
		b.WriteString(text[last:t.start])
		b.WriteString(r)
		last = t.end
	}
	b.WriteString(text[last:])
	return b.String()
}
