package indexer

import (
	"slices"
	"testing"
)

// FuzzProseTerms checks that proseTerms, which cuts words itself, gives the terms of
// the index's own analyser for any text.
func FuzzProseTerms(f *testing.F) {
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
		got = proseTerms(text)
		// Twice: the second answer comes from the memo of word terms.
		if again := proseTerms(text); !slices.Equal(got, again) {
			t.Errorf("proseTerms(%q) = %q, then %q", text, got, again)
		}
		if !slices.Equal(want, got) {
			t.Errorf("proseTerms(%q) = %q, the analyser gives %q", text, got, want)
		}
	})
}
