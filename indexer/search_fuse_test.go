package indexer

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// hit is a chunk hit whose document is the chunk id before "#".
func hit(chunk string, score float64) ChunkHit {
	return ChunkHit{ChunkID: chunk, DocID: chunk[:strings.LastIndex(chunk, "#")], Score: score}
}

var approx = cmpopts.EquateApprox(0, 1e-12)

func TestFuseConvex(t *testing.T) {
	tests := []struct {
		name     string
		lex, vec []ChunkHit
		lambda   float64
		want     []ChunkHit
	}{
		{
			name:   "bm25 normalised by its max, cosine weighted",
			lex:    []ChunkHit{hit("a#0", 10), hit("b#0", 5)},
			vec:    []ChunkHit{hit("a#0", 0.2), hit("b#0", 0.9)},
			lambda: 0.5,
			want:   []ChunkHit{hit("a#0", 1.1), hit("b#0", 0.95)},
		},
		{
			name:   "a chunk only one retriever found scores zero in the other",
			lex:    []ChunkHit{hit("a#0", 4)},
			vec:    []ChunkHit{hit("b#1", 0.8)},
			lambda: 1,
			want:   []ChunkHit{hit("a#0", 1), hit("b#1", 0.8)},
		},
		{
			name:   "no lexical match leaves the cosine alone",
			vec:    []ChunkHit{hit("a#0", 0.3), hit("b#0", 0.6)},
			lambda: 2,
			want:   []ChunkHit{hit("b#0", 1.2), hit("a#0", 0.6)},
		},
		{
			name:   "ties are broken by chunk id",
			lex:    []ChunkHit{hit("b#0", 2), hit("a#0", 2)},
			lambda: 1,
			want:   []ChunkHit{hit("a#0", 1), hit("b#0", 1)},
		},
		{
			name: "nothing",
			want: []ChunkHit{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fuseConvex(tt.lex, tt.vec, tt.lambda)
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("fuseConvex() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFuseRRF(t *testing.T) {
	lex := []ChunkHit{hit("a#0", 12), hit("b#0", 7), hit("c#0", 1)}
	vec := []ChunkHit{hit("c#0", 0.9), hit("d#0", 0.8)}
	got := fuseRRF(lex, vec)
	want := []ChunkHit{
		hit("c#0", 1.0/63+1.0/61),
		hit("a#0", 1.0/61),
		hit("b#0", 1.0/62), // b and d tie at 1/62: the chunk id decides
		hit("d#0", 1.0/62),
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("fuseRRF() mismatch (-want +got):\n%s", diff)
	}
}

func TestCollapse(t *testing.T) {
	tests := []struct {
		name string
		hits []ChunkHit
		want []ChunkHit
	}{
		{
			name: "best chunk per document decides",
			hits: []ChunkHit{hit("a#0", 0.2), hit("b#3", 0.5), hit("a#2", 0.9), hit("b#1", 0.1)},
			want: []ChunkHit{hit("a#2", 0.9), hit("b#3", 0.5)},
		},
		{
			name: "equal scores rank by document id",
			hits: []ChunkHit{hit("z#0", 1), hit("m#0", 1), hit("a#0", 1)},
			want: []ChunkHit{hit("a#0", 1), hit("m#0", 1), hit("z#0", 1)},
		},
		{
			name: "equal chunks of one document keep the lowest chunk id",
			hits: []ChunkHit{hit("a#2", 1), hit("a#1", 1)},
			want: []ChunkHit{hit("a#1", 1)},
		},
		{
			name: "nothing",
			want: []ChunkHit{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, collapse(tt.hits)); diff != "" {
				t.Errorf("collapse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFusion(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"", FusionConvex, false},
		{"convex", FusionConvex, false},
		{"rrf", FusionRRF, false},
		{"RRF", "", true},
		{"sum", "", true},
	}
	for _, tt := range tests {
		got, err := parseFusion(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseFusion(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDefaultLambda(t *testing.T) {
	hashed, lsa, neural := defaultLambda("hashed-tfidf-256"), defaultLambda("lsa-128-abc"), defaultLambda("text-embedding-3-small")
	if !(0 < hashed && hashed < neural && 0 < lsa && lsa < neural) || math.IsNaN(hashed+lsa+neural) {
		t.Errorf("defaultLambda: hashed %v, lsa %v, neural %v; want the offline embedders weighed below a configured model", hashed, lsa, neural)
	}
}
