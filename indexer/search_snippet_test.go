package indexer

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// filler is n words of text that match no query below.
func filler(n int) string {
	words := strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed eiusmod")
	out := make([]string, n)
	for i := range out {
		out[i] = words[i%len(words)]
	}
	return strings.Join(out, " ")
}

func TestMakeSnippet(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		query string
		// want is the whole snippet when set; otherwise the checks below apply.
		want        string
		wantPrefix  string
		wantSuffix  string
		wantContain string
		// wantMarked are the highlighted substrings, in order.
		wantMarked []string
	}{
		{
			name:       "short text is shown whole, stems and case match",
			text:       "Retrying a failed payment: the consumer retries twice.",
			query:      "retry payments",
			want:       "Retrying a failed payment: the consumer retries twice.",
			wantMarked: []string{"Retrying", "payment", "retries"},
		},
		{
			name:       "whitespace collapses; stopwords are not marked",
			text:       "The   ledger\n\nis the\tsource of truth.",
			query:      "the ledger",
			want:       "The ledger is the source of truth.",
			wantMarked: []string{"ledger"},
		},
		{
			name:        "a match deep in a long text is centred with ellipses",
			text:        filler(100) + " rotate the credentials of the vault " + filler(100),
			query:       "rotate credentials",
			wantPrefix:  ellipsis,
			wantSuffix:  ellipsis,
			wantContain: "rotate the credentials of the vault",
			wantMarked:  []string{"rotate", "credentials"},
		},
		{
			name:       "no match shows the start",
			text:       filler(100),
			query:      "kubernetes",
			wantPrefix: "lorem ipsum",
			wantSuffix: ellipsis,
		},
		{
			name:        "the window with more distinct terms beats more repeats",
			text:        "alpha alpha alpha alpha " + filler(80) + " alpha beta " + filler(80),
			query:       "alpha beta",
			wantPrefix:  ellipsis,
			wantContain: "alpha beta",
			wantMarked:  []string{"alpha", "beta"},
		},
		{
			name:        "a match near the end pulls in more text before it",
			text:        filler(100) + " the final deploy step",
			query:       "deploy",
			wantPrefix:  ellipsis,
			wantContain: "the final deploy step",
			wantMarked:  []string{"deploy"},
		},
		{
			name:       "unicode words match and highlight by byte range",
			text:       "Über die Größe der Datenbank in Zürich — 数据库 größe.",
			query:      "GRÖSSE größe zürich 数据库",
			want:       "Über die Größe der Datenbank in Zürich — 数据库 größe.",
			wantMarked: []string{"Größe", "Zürich", "数据库", "größe"},
		},
		{
			name:        "unicode text is cut on characters, not bytes",
			text:        strings.Repeat("Ärger über Öl ", 40) + "Straße " + strings.Repeat("Ärger über Öl ", 40),
			query:       "straße",
			wantPrefix:  ellipsis,
			wantSuffix:  ellipsis,
			wantContain: "Straße",
			wantMarked:  []string{"Straße"},
		},
		{
			name:       "text without words",
			text:       "--- *** ---",
			query:      "anything",
			want:       "--- *** ---",
			wantMarked: nil,
		},
		{
			name:  "empty query marks nothing",
			text:  "Ledger posting consumer.",
			query: "",
			want:  "Ledger posting consumer.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, hl := makeSnippet(tt.text, queryTerms(tt.query), snippetWidth)
			if !utf8.ValidString(got) {
				t.Fatalf("snippet %q is not valid UTF-8", got)
			}
			if n := utf8.RuneCountInString(got); n > snippetWidth+2*utf8.RuneCountInString(ellipsis)+10 {
				t.Errorf("snippet has %d characters, want about %d: %q", n, snippetWidth, got)
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("snippet = %q, want %q", got, tt.want)
			}
			if !strings.HasPrefix(got, tt.wantPrefix) || !strings.HasSuffix(got, tt.wantSuffix) || !strings.Contains(got, tt.wantContain) {
				t.Errorf("snippet = %q, want prefix %q, suffix %q, containing %q", got, tt.wantPrefix, tt.wantSuffix, tt.wantContain)
			}
			var marked []string
			for _, h := range hl {
				if h[0] < 0 || h[1] > len(got) || h[0] >= h[1] {
					t.Fatalf("highlight %v out of snippet %q", h, got)
				}
				marked = append(marked, got[h[0]:h[1]])
			}
			if diff := cmp.Diff(tt.wantMarked, marked); diff != "" {
				t.Errorf("highlighted words mismatch (-want +got):\n%s\nsnippet %q", diff, got)
			}
		})
	}
}

func TestMakeSnippetCutsAtWords(t *testing.T) {
	text := filler(60) + " consumer " + filler(60)
	got, _ := makeSnippet(text, queryTerms("consumer"), 80)
	body := strings.TrimSuffix(strings.TrimPrefix(got, ellipsis), ellipsis)
	for _, w := range strings.Fields(body) {
		if !strings.Contains(" "+text+" ", " "+w+" ") {
			t.Errorf("snippet %q holds %q, a cut word", got, w)
		}
	}
	if n := utf8.RuneCountInString(body); n > 80 || n < 60 {
		t.Errorf("snippet body has %d characters, want 60..80: %q", n, got)
	}
}
