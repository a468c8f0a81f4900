package indexer

import (
	"fmt"
	"io"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// RenderHTML writes markdown src as HTML for the portal's doc pages. Headings get the same
// anchors as the chunks ChunkMarkdown cuts, so a search result's or a citation's #anchor
// lands on its section. Raw HTML in src is left out (goldmark's safe default), and YAML
// front matter is dropped.
func RenderHTML(w io.Writer, src []byte) error {
	src = stripFrontMatter(src)
	md := goldmark.New()
	doc := md.Parser().Parse(text.NewReader(src))
	slugs := slugger{}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			h.SetAttributeString("id", []byte(slugs.slug(inlineText(h, src))))
		}
	}
	if err := md.Renderer().Render(w, src, doc); err != nil {
		return fmt.Errorf("render markdown: %w", err)
	}
	return nil
}
