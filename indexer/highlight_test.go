package indexer

import (
	"reflect"
	"testing"
)

func TestTermRanges(t *testing.T) {
	tests := []struct {
		text, query string
		want        [][2]int
	}{
		{"Payments API", "payment", [][2]int{{0, 8}}},
		{"Retrying Kafka consumers", "retry consumer", [][2]int{{0, 8}, {15, 24}}},
		{"the and of", "the", nil},                     // stopwords are never terms
		{"Größe der Daten", "größe", [][2]int{{0, 7}}}, // byte ranges, not rune ranges
		{"nothing here", "", nil},
	}
	for _, tt := range tests {
		got := TermRanges(tt.text, QueryTerms(tt.query))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("TermRanges(%q, %q) = %v, want %v", tt.text, tt.query, got, tt.want)
		}
	}
}
