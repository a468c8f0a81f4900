package evals_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// demoSet is the folder of our own retrieval set over the demo organisation.
const demoSet = "testdata/demo"

// testDemo is the demo organisation imported into a fresh catalog.
type testDemo struct {
	db       *store.DB
	cat      *catalog.Service
	root     string                     // the folder the org was extracted to
	entities map[string]*catalog.Entity // by canonical ref
}

// newTestDemo extracts the demo organisation, imports it into a catalog over
// storetest.New(t) and returns it with every entity by ref.
func newTestDemo(t *testing.T) *testDemo {
	t.Helper()
	dir := t.TempDir()
	rootFile, err := demo.Extract(dir)
	if err != nil {
		t.Fatalf("extract demo org: %v", err)
	}
	db := storetest.New(t)
	cat := catalog.NewService(db, []string{dir})
	ctx := auth.NewContext(t.Context(), auth.System())
	if _, _, err := cat.Import(ctx, rootFile); err != nil {
		t.Fatalf("import demo org: %v", err)
	}
	page, err := cat.Query(ctx, catalog.Query{})
	if err != nil {
		t.Fatalf("list demo entities: %v", err)
	}
	d := &testDemo{db: db, cat: cat, root: dir, entities: map[string]*catalog.Entity{}}
	for i := range page.Entities {
		e := &page.Entities[i]
		d.entities[e.Ref().String()] = e
	}
	return d
}

// docFile returns the file a doc:<ref>:<path> ID names: path under the folder of the
// entity's techdocs-ref (dir:X, relative to the entity's catalog-info.yaml).
func (d *testDemo) docFile(t *testing.T, ref, path string) (string, bool) {
	t.Helper()
	e, ok := d.entities[ref]
	if !ok {
		return "", false
	}
	techdocs, ok := strings.CutPrefix(e.Metadata.Annotations["backstage.io/techdocs-ref"], "dir:")
	loc, ok2 := strings.CutPrefix(e.Metadata.Annotations[catalog.AnnotationManagedByLocation], "file:")
	if !ok || !ok2 {
		return "", false
	}
	return filepath.Join(filepath.Dir(loc), filepath.FromSlash(techdocs), filepath.FromSlash(path)), true
}

// TestDemoSetIDs checks that every judged ID of the demo set names a real entity or doc of
// the demo organisation, written the way the indexer writes document IDs.
func TestDemoSetIDs(t *testing.T) {
	ds, err := evals.LoadBEIR(demoSet)
	if err != nil {
		t.Fatalf("LoadBEIR(%s): %v", demoSet, err)
	}
	d := newTestDemo(t)
	for _, q := range ds.Queries {
		best := 0
		for id, rel := range ds.Qrels[q.ID] {
			best = max(best, rel)
			if rel < 1 || rel > 2 {
				t.Errorf("%s: %s has grade %d, want 1 or 2", q.ID, id, rel)
			}
			switch kind, rest, _ := strings.Cut(id, ":"); kind {
			case "entity":
				if _, ok := d.entities[rest]; !ok {
					t.Errorf("%s: %s: the demo org has no entity %q", q.ID, id, rest)
				}
			case "doc":
				i := strings.LastIndex(rest, ":")
				if i < 0 {
					t.Errorf("%s: %s: want doc:<entity ref>:<path>", q.ID, id)
					continue
				}
				file, ok := d.docFile(t, rest[:i], rest[i+1:])
				if !ok {
					t.Errorf("%s: %s: %q is no entity with a techdocs-ref dir", q.ID, id, rest[:i])
					continue
				}
				if fi, err := os.Stat(file); err != nil || !fi.Mode().IsRegular() {
					t.Errorf("%s: %s: no file %s", q.ID, id, file)
				}
			default:
				t.Errorf("%s: %s: want an entity: or doc: ID", q.ID, id)
			}
		}
		if best != 2 {
			t.Errorf("%s (%q) has no answer judged 2", q.ID, q.Text)
		}
	}
}

// TestDemoSetShape checks what the issue asks of the set: enough queries, enough
// paraphrases, and answers of both kinds.
func TestDemoSetShape(t *testing.T) {
	ds, err := evals.LoadBEIR(demoSet)
	if err != nil {
		t.Fatalf("LoadBEIR(%s): %v", demoSet, err)
	}
	answers := map[string]int{} // queries with an entity (or doc) judged 2
	for _, rels := range ds.Qrels {
		kinds := map[string]bool{}
		for id, rel := range rels {
			if kind, _, _ := strings.Cut(id, ":"); rel == 2 {
				kinds[kind] = true
			}
		}
		for kind := range kinds {
			answers[kind]++
		}
	}
	data, err := os.ReadFile(filepath.Join(demoSet, "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	styles := map[string]int{}
	texts := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var q struct {
			ID       string `json:"_id"`
			Text     string `json:"text"`
			Metadata struct {
				Style string `json:"style"` // question, keyword or paraphrase
			} `json:"metadata"`
		}
		if err := json.Unmarshal(line, &q); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		styles[q.Metadata.Style]++
		if texts[strings.ToLower(q.Text)] {
			t.Errorf("%s: %q is asked twice", q.ID, q.Text)
		}
		texts[strings.ToLower(q.Text)] = true
	}
	total := styles["question"] + styles["keyword"] + styles["paraphrase"]
	if total != len(texts) || total != len(ds.Queries) {
		t.Errorf("styles %v do not cover all %d queries, or some have no judgments", styles, len(texts))
	}
	if total < 70 || styles["paraphrase"] < 25 || answers["entity"] < 20 || answers["doc"] < 20 {
		t.Errorf("%d queries, styles %v, answers %v; want 70+ queries, 25+ paraphrases, 20+ of each answer kind", total, styles, answers)
	}
}
