package indexer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nextportal/portal/indexer"
)

// FuzzChunkMarkdown checks that chunking any document keeps its promises: chunks are
// numbered in order, each body (the text after the heading path line) fits in MaxChars,
// every chunk starts with its heading path, sections never come back once left, and,
// without overlap, the chunks hold exactly the text one unbounded chunk per section holds,
// in the same order (white space aside).
func FuzzChunkMarkdown(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "chunk", "*.md"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(250), int16(0))
		f.Add(b, uint16(40), int16(-1))
	}
	f.Add([]byte("---\ntitle: x\n---\n# A\n\nOne. Two! Three?\n\n```go\nfunc f() {}\n```\n"), uint16(10), int16(5))
	f.Add([]byte("# Setup\none\n# Setup\ntwo\n#\nempty title\n"), uint16(3), int16(1))
	f.Add([]byte("1. item *one*\n2. [link](http://x) ![alt](y.png) <b>html</b> `code`\n"), uint16(7), int16(100))
	f.Add([]byte("caf\xc3 \xa9 \xe2\x82 \xac &#xD800; &amp;"), uint16(2), int16(-1))
	f.Fuzz(func(t *testing.T, src []byte, maxChars uint16, overlap int16) {
		o := indexer.ChunkOptions{MaxChars: int(maxChars%2000) + 1, Overlap: int(overlap)}
		chunks := indexer.ChunkMarkdown(src, o)
		checkChunks(t, chunks, o.MaxChars)

		// Without overlap, small chunks must cover what one chunk per section holds.
		whole := indexer.ChunkMarkdown(src, indexer.ChunkOptions{MaxChars: 1 << 30, Overlap: -1})
		checkChunks(t, whole, 1<<30)
		small := indexer.ChunkMarkdown(src, indexer.ChunkOptions{MaxChars: o.MaxChars, Overlap: -1})
		checkChunks(t, small, o.MaxChars)
		if got, want := bodiesText(small), bodiesText(whole); got != want {
			t.Fatalf("chunks of at most %d runes hold\n%q\nbut the whole sections hold\n%q", o.MaxChars, got, want)
		}
		if len(small) < len(whole) {
			t.Fatalf("%d chunks of at most %d runes, fewer than the %d sections", len(small), o.MaxChars, len(whole))
		}
	})
}

// checkChunks checks the properties every chunking has.
func checkChunks(t *testing.T, chunks []indexer.Chunk, maxChars int) {
	t.Helper()
	seen := map[string]bool{}
	prev := "\x00none"
	for i, c := range chunks {
		if c.Index != i {
			t.Fatalf("chunk %d has Index %d", i, c.Index)
		}
		body := chunkBody(t, c)
		if n := utf8.RuneCountInString(body); n > maxChars || n == 0 {
			t.Fatalf("chunk %d body has %d runes, want 1..%d: %q", i, n, maxChars, body)
		}
		// The section before any heading and an empty heading's both have the anchor "".
		key := fmt.Sprintf("%d\x00%s\x00%s", len(c.HeadingPath), c.Anchor, strings.Join(c.HeadingPath, "\x00"))
		if key != prev {
			if seen[key] {
				t.Fatalf("chunk %d returns to section %q after leaving it", i, c.Anchor)
			}
			seen[key] = true
			prev = key
		}
	}
}

// chunkBody is a chunk's text without its heading path line.
func chunkBody(t *testing.T, c indexer.Chunk) string {
	t.Helper()
	head := strings.Join(c.HeadingPath, " > ")
	if head == "" {
		return c.Text // no heading, or only empty ones: no heading path line
	}
	head += "\n\n"
	body, ok := strings.CutPrefix(c.Text, head)
	if !ok {
		t.Fatalf("chunk %d text %q does not start with its heading path %q", c.Index, c.Text, head)
	}
	return body
}

// bodiesText joins the chunk bodies without white space, each made valid UTF-8 the way a
// []rune conversion does (splitting a long block converts it; a short one stays as it is).
func bodiesText(chunks []indexer.Chunk) string {
	var b strings.Builder
	for _, c := range chunks {
		body := c.Text
		if head := strings.Join(c.HeadingPath, " > "); head != "" {
			body = strings.TrimPrefix(body, head+"\n\n")
		}
		for _, r := range body {
			if !unicode.IsSpace(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}
