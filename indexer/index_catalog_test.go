package indexer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store/storetest"
)

// TestIndexFollowsCatalog indexes the demo organisation through the catalog and TechDocs
// sources, then edits one runbook section and refreshes (only that section's chunks are
// embedded again), then deletes an entity (its entity document and every doc of its
// TechDocs folder leave the store and bleve).
func TestIndexFollowsCatalog(t *testing.T) {
	ctx := auth.NewContext(t.Context(), auth.System())
	dir := t.TempDir()
	root, err := demo.Extract(dir)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t)
	cat := catalog.NewService(db, []string{dir})
	if _, _, err := cat.Import(ctx, root); err != nil {
		t.Fatalf("import the demo org: %v", err)
	}
	emb := &countingEmbedder{Embedder: indexer.NewHashed(64)}
	svc := newTestService(t, db, emb)
	sources := []indexer.Source{indexer.NewCatalogSource(cat), indexer.NewTechDocsSource(cat, []string{dir})}
	first := mustIndex(t, svc, sources...)
	if first.Documents < 120 {
		t.Fatalf("indexed %d demo documents, want the entities and their docs (at least 120)", first.Documents)
	}

	// Edit one paragraph of one runbook section and refresh.
	const ref = "component:default/ledger-posting-consumer"
	runbook := filepath.Join(filepath.Dir(root), "systems", "ledger", "ledger-posting-consumer", "docs", "runbook.md")
	src, err := os.ReadFile(runbook)
	if err != nil {
		t.Fatal(err)
	}
	const old = "Finance dashboards go stale; customers are not\naffected."
	if !strings.Contains(string(src), old) {
		t.Fatalf("runbook fixture changed: %q not found", old)
	}
	edited := strings.Replace(string(src), old, "Finance dashboards go stale within the hour.", 1)
	if err := os.WriteFile(runbook, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := cat.RefreshAll(ctx); err != nil {
		t.Fatal(err)
	}
	emb.reset()
	second := mustIndex(t, svc, sources...)
	want := changedChunks(string(src), edited)
	if _, texts := emb.texts(); second.Changed != 1 || texts != want || want == 0 {
		t.Errorf("after editing one section: %d documents changed and %d chunks embedded, want 1 and %d", second.Changed, texts, want)
	}

	// Delete the entity: its entity document and its TechDocs documents go.
	r, err := catalog.ParseRef(ref, "", "")
	if err != nil {
		t.Fatal(err)
	}
	e, err := cat.EntityByRef(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	before := docsOf(t, svc, ref)
	if len(before) < 3 {
		t.Fatalf("before deletion search finds %v for %s, want its entity and docs", before, ref)
	}
	if err := cat.DeleteEntity(ctx, e.Metadata.UID); err != nil {
		t.Fatal(err)
	}
	third := mustIndex(t, svc, sources...)
	if third.Deleted != len(before) {
		t.Errorf("deleting %s deleted %d documents, want %d (%v)", ref, third.Deleted, len(before), before)
	}
	if after := docsOf(t, svc, ref); len(after) > 0 {
		t.Errorf("after deleting %s search still finds %v", ref, after)
	}
	st, err := svc.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.LexicalChunks != st.Chunks || st.Documents != first.Documents-len(before) {
		t.Errorf("after the deletion: %+v, want bleve to hold every stored chunk and %d documents", st, first.Documents-len(before))
	}
}

// docsOf returns the IDs of the documents of entity ref that a lexical search for its name
// finds (it finds them all: each holds the name in its text or title).
func docsOf(t *testing.T, svc *indexer.Service, ref string) []string {
	t.Helper()
	ctx := auth.NewContext(t.Context(), auth.System())
	name := ref[strings.LastIndex(ref, "/")+1:]
	res, err := svc.Search(ctx, indexer.Query{Text: name + " runbook", Mode: indexer.ModeLexical, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Results {
		if r.EntityRef == ref {
			out = append(out, r.DocID)
		}
	}
	return out
}

// changedChunks counts the chunks of after whose text is not a chunk of before.
func changedChunks(before, after string) int {
	old := map[string]bool{}
	for _, c := range indexer.ChunkMarkdown([]byte(before), indexer.ChunkOptions{}) {
		old[c.Text] = true
	}
	n := 0
	for _, c := range indexer.ChunkMarkdown([]byte(after), indexer.ChunkOptions{}) {
		if !old[c.Text] {
			n++
		}
	}
	return n
}
