package assistant_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// pipelineOrg is the demo organisation plus the restricted fixture, imported into a real
// catalog over storetest.New, indexed, with an assistant Service over both.
type pipelineOrg struct {
	svc *assistant.Service
	cat *catalog.Service
	ix  *indexer.Service
	db  *store.DB
}

// restrictedFixture adds restricted entities (and a doc) to the demo org.
const restrictedFixture = "../evals/testdata/assistant/restricted"

// newPipelineOrg builds the org once per test.
func newPipelineOrg(t testing.TB) *pipelineOrg {
	t.Helper()
	dir := t.TempDir()
	rootFile, err := demo.Extract(dir)
	if err != nil {
		t.Fatalf("extract demo org: %v", err)
	}
	fix, err := filepath.Abs(restrictedFixture)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t)
	cat := catalog.NewService(db, []string{dir, fix})
	ctx := auth.NewContext(context.Background(), auth.System())
	for _, loc := range []string{rootFile, filepath.Join(fix, "catalog-info.yaml")} {
		if _, _, err := cat.Import(ctx, loc); err != nil {
			t.Fatalf("import %s: %v", loc, err)
		}
	}
	ix, err := indexer.Open(ctx, indexer.Options{Store: db, Vectors: db.VectorIndex(), BleveDir: filepath.Join(t.TempDir(), "bleve")})
	if err != nil {
		t.Fatalf("open indexer: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	srcs := []indexer.Source{indexer.NewCatalogSource(cat), indexer.NewTechDocsSource(cat, []string{dir, fix})}
	if _, err := ix.Index(ctx, srcs, nil); err != nil {
		t.Fatalf("index: %v", err)
	}
	svc, err := assistant.New(assistant.Deps{Catalog: cat, Search: ix, Store: db})
	if err != nil {
		t.Fatalf("assistant.New: %v", err)
	}
	return &pipelineOrg{svc: svc, cat: cat, ix: ix, db: db}
}

// Principals the tests ask as.
var (
	viewer = auth.Principal{Kind: auth.KindUser, Subject: "u-viewer", Name: "vic", Role: auth.RoleViewer,
		UserRef: "user:default/noah-fischer", Groups: []string{"group:default/platform-team", "group:default/engineering"}}
	admin     = auth.Principal{Kind: auth.KindUser, Subject: "u-admin", Name: "ada", Role: auth.RoleAdmin}
	treasurer = auth.Principal{Kind: auth.KindUser, Subject: "u-treasury", Name: "tess", Role: auth.RoleDeveloper,
		UserRef: "user:default/tess-treasury", Groups: []string{"group:default/treasury-team"}}
)

func as(p auth.Principal) context.Context { return auth.NewContext(context.Background(), p) }

// ask asks one question as p, failing the test on error.
func (o *pipelineOrg) ask(t testing.TB, p auth.Principal, conv, q string) assistant.Answer {
	t.Helper()
	a, err := o.svc.Ask(as(p), assistant.Question{Message: q, ConversationID: conv}, nil)
	if err != nil {
		t.Fatalf("Ask(%q): %v", q, err)
	}
	return a
}

// mentions reports whether the answer's text or citations hold s (case-insensitive).
func mentions(a assistant.Answer, s string) bool {
	s = strings.ToLower(s)
	if strings.Contains(strings.ToLower(a.Answer), s) {
		return true
	}
	for _, c := range a.Citations {
		if strings.Contains(strings.ToLower(c.Ref+" "+c.Title+" "+c.URL), s) {
			return true
		}
	}
	return false
}
