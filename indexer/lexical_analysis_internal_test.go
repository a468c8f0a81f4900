package indexer

import (
	"slices"
	"testing"
)

// FuzzAnalyzeProse checks that analyzeProse, which cuts words itself, gives the terms of
// the index's own analyser for any text.
func FuzzAnalyzeProse(f *testing.F) {
	for _, s := range []string{
		"", " -- ", "Running connections", "How do I rotate the password?",
		"orders-service/docs_runbook.md", "Kafka KAFKA kafka", "Zürich café ΟΔΟΣ",
		"ȺȾ wide lowercase", "stops at \xff invalid bytes", "and at \uFFFD too", "x2 k8s a",
		"payments-portal-03977 (Payments Portal) owned by group:default/team-events-0015",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var want, got []string
		for _, tok := range prose().Analyze([]byte(text)) {
			want = append(want, string(tok.Term))
		}
		for _, tok := range analyzeProse(text) {
			got = append(got, string(tok.Term))
		}
		if !slices.Equal(want, got) {
			t.Errorf("analyzeProse(%q) = %q, the analyser gives %q", text, got, want)
		}
	})
}
