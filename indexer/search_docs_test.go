package indexer_test

import (
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// TestDocTextsFollowChanges checks that the document texts hybrid search keeps between
// queries are read again once a document changes, and are gone once it is deleted.
func TestDocTextsFollowChanges(t *testing.T) {
	ctx := auth.NewContext(t.Context(), auth.System())
	svc := newTestService(t, storetest.New(t), nil)
	docs := testDocs(3)
	src := &sliceSource{name: "docs", docs: docs}
	index := func() {
		t.Helper()
		if _, err := svc.Index(ctx, []indexer.Source{src}, nil); err != nil {
			t.Fatal(err)
		}
	}
	texts := func() map[string]string {
		t.Helper()
		got, err := indexer.DocTexts(ctx, svc, []string{docs[0].ID, docs[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	index()
	for range 2 { // read, then kept
		if got := texts(); !strings.Contains(got[docs[0].ID], "Restart the pods") || len(got) != 2 {
			t.Fatalf("texts %q, want both documents' text", got)
		}
	}
	src.docs = []indexer.Document{docs[0], docs[2]}
	src.docs[0].Text = "# Changed\n\nThe walrus now owns this runbook."
	src.docs[0].Hash = ""
	index()
	got := texts()
	if !strings.Contains(got[docs[0].ID], "walrus") || strings.Contains(got[docs[0].ID], "Restart the pods") {
		t.Errorf("text after the change %q, want the new text", got[docs[0].ID])
	}
	if _, ok := got[docs[1].ID]; ok {
		t.Errorf("the deleted document still has a text: %q", got[docs[1].ID])
	}
}
