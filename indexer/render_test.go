package indexer_test

import (
	"strings"
	"testing"

	"github.com/nextportal/portal/indexer"
)

// TestRenderHTMLAnchors checks that every chunk's anchor is an id on the rendered page and
// that raw HTML is not passed through.
func TestRenderHTMLAnchors(t *testing.T) {
	src := "---\ntitle: x\n---\n# Runbook\n\nIntro.\n\n## Rotate credentials\n\nSteps.\n\n## Setup\n\nA.\n\n## Setup\n\nB <script>alert(1)</script>\n"
	var b strings.Builder
	if err := indexer.RenderHTML(&b, []byte(src)); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, c := range indexer.ChunkMarkdown([]byte(src), indexer.ChunkOptions{}) {
		if !strings.Contains(html, `id="`+c.Anchor+`"`) {
			t.Errorf("chunk anchor %q is not an id in %s", c.Anchor, html)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "title: x") {
		t.Errorf("rendered page kept raw HTML or front matter: %s", html)
	}
}
