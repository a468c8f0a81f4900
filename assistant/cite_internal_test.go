package assistant

import (
	"strings"
	"testing"
)

func TestCiterVerifiesAndRenumbers(t *testing.T) {
	srcs := []Source{{Kind: "entity", Ref: "a"}, {Kind: "entity", Ref: "b"}, {Kind: "doc", Ref: "c"}}
	lookup := func(n int) (Source, bool) {
		if n < 1 || n > len(srcs) {
			return Source{}, false
		}
		return srcs[n-1], true
	}
	tests := []struct {
		name, in, want string
		refs           []string
	}{
		{"first use numbers from 1", "X is Y [3]. Z [1].", "X is Y [1]. Z [2].", []string{"c", "a"}},
		{"a marker of nothing retrieved goes", "X [7]. Y [2].", "X. Y [1].", []string{"b"}},
		{"zero and negative are no sources", "X [0] [-1].", "X [-1].", nil},
		{"a list keeps the valid ones", "X [2, 9, 1].", "X [1][2].", []string{"b", "a"}},
		{"repeats reuse the number", "A [2]. B [2][2].", "A [1]. B [1].", []string{"b"}},
		{"brackets that are no marker stay", "see [the docs] and [1]", "see [the docs] and [1]", []string{"a"}},
		{"an unclosed marker is text", "array[1", "array[1", nil},
		{"no markers", "plain text", "plain text", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, cites := verify(tc.in, lookup)
			if got != tc.want {
				t.Errorf("verify(%q) = %q, want %q", tc.in, got, tc.want)
			}
			var refs []string
			for i, c := range cites {
				refs = append(refs, c.Ref)
				if c.N != i+1 {
					t.Errorf("citation %d has N %d", i, c.N)
				}
			}
			if strings.Join(refs, ",") != strings.Join(tc.refs, ",") {
				t.Errorf("citations %v, want %v", refs, tc.refs)
			}
		})
	}
}

// TestCiterStreamsSplitMarkers feeds a text one byte at a time: a marker split across
// tokens is still checked before any of it is shown.
func TestCiterStreamsSplitMarkers(t *testing.T) {
	srcs := []Source{{Kind: "entity", Ref: "a"}}
	var shown strings.Builder
	var cited []Citation
	c := &citer{newN: map[string]int{},
		source: func(n int) (Source, bool) {
			if n == 1 {
				return srcs[0], true
			}
			return Source{}, false
		},
		onText: func(s string) error { shown.WriteString(s); return nil },
		onCite: func(ct Citation) error { cited = append(cited, ct); return nil },
	}
	in := "Owned by team [12] and [1]."
	for i := 0; i < len(in); i++ {
		if err := c.write(in[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown.String(), "[12]") || !strings.Contains(shown.String(), "[1]") {
		t.Errorf("streamed %q: want [12] dropped and [1] kept", shown.String())
	}
	if len(cited) != 1 || cited[0].Ref != "a" {
		t.Errorf("citations %+v, want one of a", cited)
	}
}
