package indexer

import (
	"slices"
	"testing"
)

func TestQueryPairs(t *testing.T) {
	tests := []struct {
		name  string
		terms []string
		want  [][2]string
	}{
		{"one term", []string{"a"}, nil},
		{"in order", []string{"a", "b", "c"}, [][2]string{{"a", "b"}, {"b", "c"}}},
		{"repeated pair once", []string{"a", "b", "a", "b"}, [][2]string{{"a", "b"}, {"b", "a"}}},
		{"no self pair", []string{"a", "a", "b"}, [][2]string{{"a", "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := queryPairs(tt.terms); !slices.Equal(got, tt.want) {
				t.Errorf("queryPairs(%q) = %q, want %q", tt.terms, got, tt.want)
			}
		})
	}
}

func TestPairCounts(t *testing.T) {
	pairs := [][2]string{{"heat", "transfer"}}
	tests := []struct {
		name    string
		toks    []string
		window  int
		ordered int
		near    int
	}{
		{"adjacent in order", []string{"heat", "transfer", "x"}, 8, 1, 1},
		{"adjacent reversed", []string{"transfer", "heat"}, 8, 0, 1},
		{"within the window", []string{"heat", "x", "x", "transfer"}, 4, 0, 1},
		{"outside the window", []string{"heat", "x", "x", "x", "transfer"}, 4, 0, 0},
		{"each occurrence counts", []string{"heat", "transfer", "heat", "transfer"}, 2, 2, 3},
		{"one term missing", []string{"heat", "heat"}, 8, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, n := pairCounts(tt.toks, pairs, tt.window)
			if o[0] != tt.ordered || n[0] != tt.near {
				t.Errorf("pairCounts(%q, window %d) = %d ordered, %d near; want %d, %d", tt.toks, tt.window, o[0], n[0], tt.ordered, tt.near)
			}
		})
	}
}

// TestPairTokensAgreeWithTerms checks the cheap analysis against the index's: with every
// term of the text wanted it gives Terms exactly, and words no wanted term could come from
// keep their place empty.
func TestPairTokensAgreeWithTerms(t *testing.T) {
	texts := []string{
		"The ledger postings lag behind the payment service during nightly releases.",
		"Skies were flying; dying batteries, generously running RETRIES (retried) 42 times — naïve café.",
		"",
	}
	for _, text := range texts {
		want := Terms(text)
		prefixes := map[string]bool{}
		for _, w := range want {
			prefixes[prefix2(w)] = true
		}
		if got := pairTokens(text, prefixes, map[string]string{}); !slices.Equal(got, want) {
			t.Errorf("pairTokens(%q) = %q, want %q", text, got, want)
		}
	}
	got := pairTokens("heat transfer in the boiler tubes", map[string]bool{"he": true, "tu": true}, map[string]string{})
	if want := []string{"heat", "", "", "tube"}; !slices.Equal(got, want) {
		t.Errorf("pairTokens with prefixes he, tu = %q, want %q", got, want)
	}
}
