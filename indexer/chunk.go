package indexer

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Chunk is one searchable, citable piece of a markdown document.
type Chunk struct {
	// Index is the chunk's position in the document, from 0.
	Index int
	// HeadingPath holds the headings above the chunk's section, outermost first.
	HeadingPath []string
	// Anchor is the GitHub-style slug of the innermost heading, or "" before any heading.
	Anchor string
	// Text is plain text for indexing and citation: the heading path line
	// ("Runbook > Rotate credentials") and a blank line first when there is a heading,
	// then the section's prose, list items and code, without markup.
	Text string
}

// ChunkOptions bounds the size of chunks.
type ChunkOptions struct {
	// MaxChars is the most characters (runes) of section text in one chunk, not
	// counting the heading path line; 0 means 1500.
	MaxChars int
	// Overlap is how many characters of a chunk are repeated at the start of the
	// next chunk of the same section; 0 means 200 and a negative value means none.
	// It is capped at half of MaxChars.
	Overlap int
}

func (o ChunkOptions) withDefaults() ChunkOptions {
	if o.MaxChars <= 0 {
		o.MaxChars = 1500
	}
	switch {
	case o.Overlap == 0:
		o.Overlap = 200
	case o.Overlap < 0:
		o.Overlap = 0
	}
	o.Overlap = min(o.Overlap, o.MaxChars/2)
	return o
}

// block is one paragraph, list item or code block of a section, as plain text.
type block struct {
	text string
	code bool
}

// section is the content between one heading and the next.
type section struct {
	path   []string
	anchor string
	blocks []block
}

// ChunkMarkdown splits a CommonMark document into chunks: one section per heading,
// and sections longer than o.MaxChars split at block boundaries, then at sentence
// ends, with o.Overlap characters repeated between neighbours. A code block stays
// whole when it fits in o.MaxChars. YAML front matter, raw HTML, link URLs and empty
// sections are left out; images count by their alt text.
func ChunkMarkdown(src []byte, o ChunkOptions) []Chunk {
	o = o.withDefaults()
	src = stripFrontMatter(src)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	var chunks []Chunk
	for _, s := range sections(doc, src) {
		head := strings.Join(s.path, " > ")
		for _, body := range splitSection(s.blocks, o) {
			t := body
			if head != "" {
				t = head + "\n\n" + body
			}
			chunks = append(chunks, Chunk{Index: len(chunks), HeadingPath: s.path, Anchor: s.anchor, Text: t})
		}
	}
	return chunks
}

// stripFrontMatter drops a leading YAML block fenced by "---" lines. An unclosed
// block is not front matter and stays.
func stripFrontMatter(src []byte) []byte {
	rest := bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	first, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
		return src
	}
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if l := string(bytes.TrimRight(line, " \t\r")); l == "---" || l == "..." {
			return rest
		}
	}
	return src
}

// sections walks the top-level blocks of doc and groups them under their headings.
// Sections without content are dropped, but their headings still take a slug.
func sections(doc ast.Node, src []byte) []section {
	var (
		out    []section
		cur    section
		path   []string
		levels []int
		slugs  = slugger{}
	)
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok {
			cur.blocks = appendBlocks(cur.blocks, n, src)
			continue
		}
		if len(cur.blocks) > 0 {
			out = append(out, cur)
		}
		for len(levels) > 0 && levels[len(levels)-1] >= h.Level {
			levels, path = levels[:len(levels)-1], path[:len(path)-1]
		}
		title := inlineText(h, src)
		levels, path = append(levels, h.Level), append(path, title)
		cur = section{path: slices.Clone(path), anchor: slugs.slug(title)}
	}
	if len(cur.blocks) > 0 {
		out = append(out, cur)
	}
	return out
}

// appendBlocks appends the plain-text blocks of n: paragraphs, each list item and
// code blocks. HTML blocks and thematic breaks add nothing.
func appendBlocks(dst []block, n ast.Node, src []byte) []block {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		if t := inlineText(n, src); t != "" {
			dst = append(dst, block{text: t})
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			b.Write(seg.Value(src))
		}
		if t := strings.TrimRight(b.String(), " \t\r\n"); strings.TrimSpace(t) != "" {
			dst = append(dst, block{text: t, code: true})
		}
	case *ast.HTMLBlock, *ast.ThematicBreak:
	case *ast.List:
		num := n.Start
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			start := len(dst)
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				dst = appendBlocks(dst, c, src)
			}
			if start < len(dst) && !dst[start].code {
				marker := "- "
				if n.IsOrdered() {
					marker = fmt.Sprintf("%d. ", num)
				}
				dst[start].text = marker + dst[start].text
			}
			num++
		}
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			dst = appendBlocks(dst, c, src)
		}
	}
	return dst
}

// inlineText renders the inline children of n as plain text: link text without
// its URL, images by their alt text, code spans as their content, no raw HTML.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	writeInline(&b, n, src)
	return strings.TrimSpace(b.String())
}

func writeInline(b *strings.Builder, n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Value(src)
			if !c.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			switch {
			case c.HardLineBreak():
				b.WriteByte('\n')
			case c.SoftLineBreak():
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					b.WriteString(strings.ReplaceAll(string(t.Value(src)), "\n", " "))
				}
			}
		case *ast.AutoLink:
			// The label is the visible text of an autolink, so it stays.
			b.Write(c.Label(src))
		case *ast.RawHTML:
		default:
			writeInline(b, c, src)
		}
	}
}

// piece is a unit that packing never splits; sep goes before it when it follows
// another piece in the same chunk.
type piece struct {
	text, sep string
}

// splitSection packs the blocks of one section into chunk bodies of at most
// o.MaxChars runes.
func splitSection(blocks []block, o ChunkOptions) []string {
	var pieces []piece
	for _, b := range blocks {
		for i, p := range blockPieces(b, o.MaxChars) {
			if i == 0 {
				p.sep = "\n\n"
			}
			pieces = append(pieces, p)
		}
	}
	var (
		out []string
		cur strings.Builder
		n   int // runes in cur
	)
	for _, p := range pieces {
		pn, sn := runes(p.text), runes(p.sep)
		if n > 0 && n+sn+pn <= o.MaxChars {
			cur.WriteString(p.sep)
			cur.WriteString(p.text)
			n += sn + pn
			continue
		}
		if n > 0 {
			prev := cur.String()
			out = append(out, prev)
			cur.Reset()
			n = 0
			// The overlap is dropped when it would push a whole piece (a code
			// block, say) over the limit.
			if ov := overlapTail(prev, o.Overlap); ov != "" && runes(ov)+sn+pn <= o.MaxChars {
				cur.WriteString(ov)
				cur.WriteString(p.sep)
				n = runes(ov) + sn
			}
		}
		cur.WriteString(p.text)
		n += pn
	}
	if n > 0 {
		out = append(out, cur.String())
	}
	return out
}

// blockPieces returns b whole when it fits in max runes; else code by groups of
// lines and prose by sentences, with words and then runes as the last resort.
func blockPieces(b block, max int) []piece {
	if runes(b.text) <= max {
		return []piece{{text: b.text}}
	}
	if b.code {
		return group(strings.Split(b.text, "\n"), "\n", max)
	}
	var out []piece
	for _, s := range sentences(b.text) {
		if runes(s) <= max {
			out = append(out, piece{text: s, sep: " "})
			continue
		}
		out = append(out, group(strings.Fields(s), " ", max)...)
	}
	return out
}

// group joins parts with sep into pieces of at most max runes, cutting parts that
// are longer than max on their own.
func group(parts []string, sep string, max int) []piece {
	var (
		out []piece
		cur []string
		n   int // runes in cur, joined
	)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, piece{text: strings.Join(cur, sep), sep: sep})
		}
		cur, n = nil, 0
	}
	for _, p := range parts {
		for runes(p) > max {
			flush()
			head, tail := cutRunes(p, max)
			out = append(out, piece{text: head, sep: sep})
			p = tail
		}
		if len(cur) > 0 && n+runes(sep)+runes(p) > max {
			flush()
		}
		if len(cur) > 0 {
			n += runes(sep)
		}
		cur = append(cur, p)
		n += runes(p)
	}
	flush()
	return out
}

// sentences splits prose after '.', '!' or '?' (and any closing quotes or
// brackets) that is followed by white space.
func sentences(s string) []string {
	var out []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		if !strings.ContainsRune(".!?", rs[i]) {
			continue
		}
		j := i + 1
		for j < len(rs) && strings.ContainsRune(`"')]*_`+"\u201d\u2019", rs[j]) {
			j++
		}
		if j < len(rs) && unicode.IsSpace(rs[j]) {
			if t := strings.TrimSpace(string(rs[start:j])); t != "" {
				out = append(out, t)
			}
			start, i = j, j
		}
	}
	if t := strings.TrimSpace(string(rs[start:])); t != "" {
		out = append(out, t)
	}
	return out
}

// overlapTail returns at most n runes from the end of s, starting at a word.
func overlapTail(s string, n int) string {
	rs := []rune(s)
	if n <= 0 || len(rs) == 0 {
		return ""
	}
	i := max(len(rs)-n, 0)
	if i > 0 && !unicode.IsSpace(rs[i-1]) {
		for i < len(rs) && !unicode.IsSpace(rs[i]) {
			i++
		}
	}
	return strings.TrimSpace(string(rs[i:]))
}

func cutRunes(s string, n int) (string, string) {
	rs := []rune(s)
	return string(rs[:n]), string(rs[n:])
}

func runes(s string) int { return utf8.RuneCountInString(s) }
