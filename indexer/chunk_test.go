package indexer_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/indexer"
)

func readChunkFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "chunk", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestChunkMarkdown(t *testing.T) {
	tests := []struct {
		name string
		file string
		opts indexer.ChunkOptions
		want []indexer.Chunk
	}{
		{
			name: "headings nest into paths",
			file: "nested.md",
			want: []indexer.Chunk{
				{Index: 0, Text: "Intro before any heading."},
				{Index: 1, HeadingPath: []string{"Runbook"}, Anchor: "runbook", Text: "Runbook\n\nTop prose."},
				{Index: 2, HeadingPath: []string{"Runbook", "Rotate credentials"}, Anchor: "rotate-credentials",
					Text: "Runbook > Rotate credentials\n\nRotate them now."},
				{Index: 3, HeadingPath: []string{"Runbook", "Rotate credentials", "Vault"}, Anchor: "vault",
					Text: "Runbook > Rotate credentials > Vault\n\nUse vault kv put."},
				// "Empty" has no content, so no chunk; "Second top" pops back to level 1.
				{Index: 4, HeadingPath: []string{"Second top"}, Anchor: "second-top", Text: "Second top\n\nSetext below."},
				{Index: 5, HeadingPath: []string{"Second top", "Setext heading"}, Anchor: "setext-heading",
					Text: "Second top > Setext heading\n\nUnder setext."},
			},
		},
		{
			name: "anchors with duplicates and punctuation",
			file: "anchors.md",
			want: []indexer.Chunk{
				{Index: 0, HeadingPath: []string{"Setup"}, Anchor: "setup", Text: "Setup\n\none"},
				{Index: 1, HeadingPath: []string{"Setup", "Setup"}, Anchor: "setup-1", Text: "Setup > Setup\n\ntwo"},
				{Index: 2, HeadingPath: []string{"Setup", "Setup"}, Anchor: "setup-2", Text: "Setup > Setup\n\nthree"},
				// GitHub gives "Setup 1" the slug "setup-1-1" because "setup-1" is taken.
				{Index: 3, HeadingPath: []string{"Setup", "Setup 1"}, Anchor: "setup-1-1", Text: "Setup > Setup 1\n\nfour"},
				{Index: 4, HeadingPath: []string{"Setup", "What's new? (v2.0)"}, Anchor: "whats-new-v20",
					Text: "Setup > What's new? (v2.0)\n\nfive"},
				{Index: 5, HeadingPath: []string{"Setup", "flag & emphasis"}, Anchor: "flag--emphasis",
					Text: "Setup > flag & emphasis\n\nsix"},
				{Index: 6, HeadingPath: []string{"Setup", "Ünïcode Straße"}, Anchor: "ünïcode-straße",
					Text: "Setup > Ünïcode Straße\n\nseven"},
			},
		},
		{
			name: "front matter, HTML and URLs dropped",
			file: "noise.md",
			want: []indexer.Chunk{
				{Index: 0, HeadingPath: []string{"Noise"}, Anchor: "noise",
					Text: "Noise\n\nText with inline html and a link text and alt words.\n\nEscaped *stars* & entities."},
			},
		},
		{
			name: "code block kept whole in its own chunk",
			file: "code.md",
			opts: indexer.ChunkOptions{MaxChars: 250},
			want: []indexer.Chunk{
				{Index: 0, HeadingPath: []string{"Deploy"}, Anchor: "deploy",
					Text: "Deploy\n\nBefore the code comes a paragraph that is long enough to fill most of a small chunk, " +
						"so the code block below cannot join it without going over the limit of the chunk size in this test."},
				// No overlap: it would push the whole code block over MaxChars.
				{Index: 1, HeadingPath: []string{"Deploy"}, Anchor: "deploy",
					Text: "Deploy\n\n" +
						"kubectl --context prod -n payments get pods\n" +
						"kubectl --context prod -n payments rollout restart deploy/payments-api\n" +
						"kubectl --context prod -n payments rollout status deploy/payments-api\n\n" +
						"After the code."},
			},
		},
		{
			name: "empty document",
			file: "",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var src []byte
			if tt.file != "" {
				src = readChunkFixture(t, tt.file)
			}
			got := indexer.ChunkMarkdown(src, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ChunkMarkdown(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestChunkMarkdownFrontMatterOnlyWhenClosed(t *testing.T) {
	src := "---\nnot front matter\n\nbecause nothing closes it"
	got := indexer.ChunkMarkdown([]byte(src), indexer.ChunkOptions{})
	if len(got) != 1 || !strings.Contains(got[0].Text, "because nothing closes it") {
		t.Errorf("ChunkMarkdown(%q) = %+v, want the text kept", src, got)
	}
}

// longSection builds one section of n numbered sentences in paragraphs of five.
func longSection(n int) string {
	var b strings.Builder
	b.WriteString("# Long\n\n")
	for i := range n {
		fmt.Fprintf(&b, "Sentence %d explains step %d of the rollout in plain words. ", i, i*7%13)
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
	}
	// One paragraph with no paragraph breaks, longer than MaxChars.
	for i := range 30 {
		fmt.Fprintf(&b, "Clause %d keeps going without a paragraph break. ", i)
	}
	return b.String()
}

func TestChunkMarkdownLongSectionOverlap(t *testing.T) {
	const maxChars, overlap = 400, 80
	src := longSection(40)
	chunks := indexer.ChunkMarkdown([]byte(src), indexer.ChunkOptions{MaxChars: maxChars, Overlap: overlap})
	if len(chunks) < 5 {
		t.Fatalf("got %d chunks, want the section split into at least 5", len(chunks))
	}
	for i, c := range chunks {
		body, ok := strings.CutPrefix(c.Text, "Long\n\n")
		if !ok {
			t.Fatalf("chunk %d does not start with its heading line: %q", i, c.Text)
		}
		if n := utf8.RuneCountInString(body); n > maxChars {
			t.Errorf("chunk %d has %d chars, want <= %d", i, n, maxChars)
		}
		if i == 0 {
			continue
		}
		prev := strings.TrimPrefix(chunks[i-1].Text, "Long\n\n")
		shared := sharedOverlap(prev, body)
		if shared < overlap/2 || shared > overlap {
			t.Errorf("chunk %d repeats %d chars of chunk %d, want %d..%d:\nprev: %q\nnext: %q",
				i, shared, i-1, overlap/2, overlap, prev, body)
		}
	}
	// Sentences are not cut: every chunk ends at a sentence end.
	for i, c := range chunks {
		if !strings.HasSuffix(c.Text, ".") {
			t.Errorf("chunk %d ends mid-sentence: %q", i, c.Text)
		}
	}
}

// sharedOverlap is the length of the longest suffix of prev that starts next.
func sharedOverlap(prev, next string) int {
	for n := min(len(prev), len(next)); n > 0; n-- {
		if strings.HasPrefix(next, prev[len(prev)-n:]) {
			return n
		}
	}
	return 0
}

func TestChunkMarkdownOversizedCodeSplitsByLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Script\n\n```\n")
	var lines []string
	for i := range 40 {
		l := fmt.Sprintf("echo line %02d of a long script", i)
		lines = append(lines, l)
		b.WriteString(l + "\n")
	}
	b.WriteString("```\n")
	chunks := indexer.ChunkMarkdown([]byte(b.String()), indexer.ChunkOptions{MaxChars: 300, Overlap: -1})
	if len(chunks) < 4 {
		t.Fatalf("got %d chunks, want the code split", len(chunks))
	}
	var got []string
	for _, c := range chunks {
		body := strings.TrimPrefix(c.Text, "Script\n\n")
		if n := utf8.RuneCountInString(body); n > 300 {
			t.Errorf("chunk %d has %d chars, want <= 300", c.Index, n)
		}
		got = append(got, strings.Split(body, "\n")...)
	}
	if diff := cmp.Diff(lines, got); diff != "" {
		t.Errorf("code lines after splitting (-want +got):\n%s", diff)
	}
}

// demoDocs returns the markdown files under a docs folder of the demo organisation.
func demoDocs(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	root := filepath.Join("..", "internal", "demo", "org")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" || !strings.Contains(filepath.ToSlash(p), "/docs/") {
			return err
		}
		b, err := os.ReadFile(p)
		docs[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 10 {
		t.Fatalf("found %d demo docs under %s, want at least 10", len(docs), root)
	}
	return docs
}

func TestChunkMarkdownDemoDocs(t *testing.T) {
	for _, o := range []indexer.ChunkOptions{{}, {MaxChars: 300, Overlap: 60}} {
		for path, src := range demoDocs(t) {
			t.Run(fmt.Sprintf("%d/%s", o.MaxChars, path), func(t *testing.T) {
				checkChunkInvariants(t, src, o)
			})
		}
	}
}

func checkChunkInvariants(t *testing.T, src []byte, o indexer.ChunkOptions) {
	maxChars := o.MaxChars
	if maxChars == 0 {
		maxChars = 1500
	}
	chunks := indexer.ChunkMarkdown(src, o)
	if len(chunks) == 0 {
		t.Fatal("no chunks")
	}
	anchorOf := map[string]string{} // heading path -> anchor
	seenAnchor := map[string]bool{}
	var all strings.Builder
	for i, c := range chunks {
		if c.Index != i {
			t.Errorf("chunk %d has Index %d", i, c.Index)
		}
		body := c.Text
		if len(c.HeadingPath) > 0 {
			var ok bool
			body, ok = strings.CutPrefix(c.Text, strings.Join(c.HeadingPath, " > ")+"\n\n")
			if !ok {
				t.Errorf("chunk %d does not start with its heading path %q", i, c.HeadingPath)
			}
		}
		if n := utf8.RuneCountInString(body); n > maxChars || strings.TrimSpace(body) == "" {
			t.Errorf("chunk %d body has %d chars, want 1..%d", i, n, maxChars)
		}
		newSection := i == 0 || c.Anchor != chunks[i-1].Anchor || !slices.Equal(c.HeadingPath, chunks[i-1].HeadingPath)
		if newSection && seenAnchor[c.Anchor] {
			t.Errorf("chunk %d: anchor %q used by two sections", i, c.Anchor)
		}
		seenAnchor[c.Anchor] = true
		if len(c.HeadingPath) > 0 {
			anchorOf[c.HeadingPath[len(c.HeadingPath)-1]] = c.Anchor
		}
		all.WriteString(c.Text + "\n")
	}
	for _, h := range headingsWithContent(src) {
		if _, ok := anchorOf[h]; !ok {
			t.Errorf("heading %q has content but no chunk ends its path with it", h)
		}
	}
	have := map[string]bool{}
	for _, w := range wordRE.FindAllString(strings.ToLower(all.String()), -1) {
		have[w] = true
	}
	for _, w := range proseWords(src) {
		if !have[w] {
			t.Errorf("word %q of the doc is in no chunk", w)
		}
	}
}

var (
	wordRE        = regexp.MustCompile(`[\p{L}\p{N}]+`)
	frontMatterRE = regexp.MustCompile(`(?s)\A---\n.*?\n---\n`)
	linkURLRE     = regexp.MustCompile(`\]\([^)]*\)`)
	tagRE         = regexp.MustCompile(`(?s)<!--.*?-->|</?[A-Za-z][^>]*>`)
	entityRE      = regexp.MustCompile(`&#?[A-Za-z0-9]+;`)
	fenceRE       = regexp.MustCompile("(?m)^ *(```|~~~).*$")
	atxRE         = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)(\s+#+)?\s*$`)
)

// proseWords returns the lowercase words of a markdown source with its front
// matter, code fences, link URLs, HTML tags and entities removed: words any chunk must keep.
func proseWords(src []byte) []string {
	s := frontMatterRE.ReplaceAllString(string(src), "")
	s = fenceRE.ReplaceAllString(s, "") // fences and their info strings
	s = linkURLRE.ReplaceAllString(s, "]")
	s = tagRE.ReplaceAllString(s, " ")
	s = entityRE.ReplaceAllString(s, " ")
	return wordRE.FindAllString(strings.ToLower(s), -1)
}

// headingsWithContent reads ATX headings outside code fences, keeping those
// followed by a non-blank line before the next heading, with inline markup removed.
func headingsWithContent(src []byte) []string {
	var (
		out     []string
		pending string
		inFence bool
	)
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
		}
		if m := atxRE.FindStringSubmatch(line); m != nil && !inFence {
			pending = strings.NewReplacer("`", "", "*", "").Replace(m[2])
			continue
		}
		if pending != "" && strings.TrimSpace(line) != "" {
			out = append(out, pending)
			pending = ""
		}
	}
	return out
}
