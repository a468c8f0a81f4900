package indexer_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextportal/portal/indexer"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"stemming", "Running connections", []string{"run", "connect"}},
		{"stopwords dropped", "How do I rotate the password?", []string{"rotat", "password"}},
		{"one-character words kept, stop words not", "a b c x2 k8s", []string{"b", "c", "x2", "k8s"}},
		{"porter2 stems", "generously dying skies", []string{"generous", "die", "sky"}},
		{"split on punctuation", "orders-service/docs_runbook.md", []string{"order", "servic", "doc", "runbook", "md"}},
		{"repeats kept, case folded", "Kafka KAFKA kafka", []string{"kafka", "kafka", "kafka"}},
		{"non-ASCII letters kept", "Zürich café", []string{"zürich", "café"}},
		{"empty", " -- ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := indexer.Terms(tt.text)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Terms(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
