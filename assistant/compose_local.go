package assistant

import (
	"context"
	"fmt"
	"strings"
)

// LocalComposer composes answers without a model: relationship answers from the pipeline's
// facts, doc answers extractively from the retrieved sections. It needs no network and no
// weights, and is the default.
type LocalComposer struct{}

// NewLocalComposer returns the local composer.
func NewLocalComposer() *LocalComposer { return &LocalComposer{} }

// Name is "local".
func (*LocalComposer) Name() string { return "local" }

// Compose writes the facts, each with its markers, or when there are none the best-supported
// sentences of the sources; it abstains when no source supports an answer.
func (*LocalComposer) Compose(ctx context.Context, in ComposeInput, emit func(string) error) (Composition, error) {
	out := Composition{Sources: in.Sources}
	var parts []string
	if len(in.Facts) > 0 {
		for _, f := range in.Facts {
			parts = append(parts, withMarkers(f.Text, f.Sources))
		}
	} else {
		picked := extract(in.Question, in.Sources)
		if len(picked) == 0 {
			out.Abstained = true
			parts = append(parts, abstainText(noDocs, in.Sources))
		}
		cited := map[int]bool{}
		for _, p := range picked {
			parts = append(parts, withMarkers(p.text, []int{p.source}))
			cited[p.source] = true
		}
		if len(picked) > 0 {
			if more := seeAlso(in.Sources, cited); more != "" {
				parts = append(parts, more)
			}
		}
	}
	var b strings.Builder
	for i, p := range parts {
		if err := ctx.Err(); err != nil {
			return Composition{}, err
		}
		if i > 0 {
			p = " " + p
		}
		b.WriteString(p)
		if err := emitWords(p, emit); err != nil {
			return Composition{}, err
		}
	}
	out.Text = b.String()
	return out, nil
}

// seeAlso points at the top doc sections the answer did not quote, up to the third, so
// its first citations are the best pages found.
func seeAlso(srcs []Source, cited map[int]bool) string {
	var more []string
	for i, s := range srcs {
		if i == extractSources {
			break
		}
		if !cited[i+1] && s.Kind == "doc" {
			more = append(more, fmt.Sprintf("%s [%d]", s.Title, i+1))
		}
	}
	if len(more) == 0 {
		return ""
	}
	return "See also: " + strings.Join(more, "; ") + "."
}

// emitWords streams p a word at a time, as a model would.
func emitWords(p string, emit func(string) error) error {
	for len(p) > 0 {
		i := strings.IndexByte(p[1:], ' ')
		if i < 0 {
			return emit(p)
		}
		if err := emit(p[:i+1]); err != nil {
			return err
		}
		p = p[i+1:]
	}
	return nil
}

// withMarkers puts the citation markers of srcs before the sentence's final period.
func withMarkers(text string, srcs []int) string {
	var m strings.Builder
	seen := map[int]bool{}
	for _, n := range srcs {
		if !seen[n] {
			seen[n] = true
			fmt.Fprintf(&m, "[%d]", n)
		}
	}
	text = strings.TrimSpace(text)
	if m.Len() == 0 {
		return text
	}
	end := ""
	if n := len(text); n > 0 && strings.ContainsRune(".!?", rune(text[n-1])) {
		text, end = text[:n-1], text[n-1:]
	}
	return text + " " + m.String() + end
}

// Reasons for abstaining; they word the answer.
const (
	noEntity = "entity"
	noDocs   = "docs"
)

// abstainText says plainly that there is no answer and lists the closest sources found, by
// marker. The wording is the same whether something does not exist or may not be seen.
func abstainText(reason string, closest []Source) string {
	var b strings.Builder
	switch reason {
	case noEntity:
		b.WriteString("I don't know: I found nothing in the catalog matching what you asked about.")
	default:
		b.WriteString("I don't know: nothing I can find in the catalog or the docs answers that.")
	}
	var cs []string
	for i, s := range closest {
		if i == 3 {
			break
		}
		cs = append(cs, fmt.Sprintf("%s [%d]", s.Title, i+1))
	}
	if len(cs) > 0 {
		b.WriteString(" The closest sources I found: " + strings.Join(cs, "; ") + ".")
	}
	return b.String()
}
