package indexer_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// docsSource is a Source over a fixed list of documents.
type docsSource struct {
	name string
	docs []indexer.Document
}

func (s docsSource) Name() string { return s.name }

func (s docsSource) Documents(ctx context.Context, yield func(indexer.Document) error) error {
	for _, d := range s.docs {
		if err := yield(d); err != nil {
			return err
		}
	}
	return nil
}

// newSearchService indexes docs (grouped into sources by their Source) into a fresh store
// and bleve index, and returns the Service. opts.Store and opts.BleveDir are filled in.
func newSearchService(t *testing.T, opts indexer.Options, docs []indexer.Document) *indexer.Service {
	t.Helper()
	db := storetest.New(t)
	opts.Store = db
	opts.BleveDir = filepath.Join(t.TempDir(), "bleve")
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.Vectors = db.VectorIndex() // PostgreSQL searches vectors in SQL; nil on SQLite
	svc, err := indexer.Open(t.Context(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { svc.Close() })
	bySource := map[string][]indexer.Document{}
	var names []string
	for _, d := range docs {
		if d.UpdatedAt.IsZero() {
			d.UpdatedAt = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
		}
		if _, ok := bySource[d.Source]; !ok {
			names = append(names, d.Source)
		}
		bySource[d.Source] = append(bySource[d.Source], d)
	}
	var sources []indexer.Source
	for _, n := range names {
		sources = append(sources, docsSource{name: n, docs: bySource[n]})
	}
	if _, err := svc.Index(t.Context(), sources, nil); err != nil {
		t.Fatalf("Index: %v", err)
	}
	return svc
}

// Principals of the search tests.
var (
	admin     = auth.Principal{Kind: auth.KindUser, Subject: "1", UserRef: "user:default/ada", Role: auth.RoleAdmin}
	developer = auth.Principal{Kind: auth.KindUser, Subject: "2", UserRef: "user:default/dev", Role: auth.RoleDeveloper,
		Groups: []string{"group:default/payments-team"}}
	outsider = auth.Principal{Kind: auth.KindUser, Subject: "3", UserRef: "user:default/out", Role: auth.RoleViewer,
		Groups: []string{"group:default/web-team"}}
)

// search runs q as p and fails the test on an error.
func search(t *testing.T, svc *indexer.Service, p auth.Principal, q indexer.Query) *indexer.Results {
	t.Helper()
	res, err := svc.Search(auth.NewContext(t.Context(), p), q)
	if err != nil {
		t.Fatalf("Search(%+v) as %s: %v", q, p.UserRef, err)
	}
	return res
}

// resultIDs returns the document IDs of the results, in order.
func resultIDs(res *indexer.Results) []string {
	ids := make([]string, len(res.Results))
	for i, r := range res.Results {
		ids[i] = r.DocID
	}
	return ids
}

// entityDoc is the document of a catalog entity.
func entityDoc(ref, title, text string, vis auth.Visibility, fields map[string][]string) indexer.Document {
	kind, rest, _ := strings.Cut(ref, ":")
	_, name, _ := strings.Cut(rest, "/")
	f := map[string][]string{indexer.FieldKind: {kind}}
	for k, v := range fields {
		f[k] = v
	}
	return indexer.Document{
		ID: "entity:" + ref, Kind: indexer.KindEntity, Source: "catalog", EntityRef: ref,
		Title: title, Text: text, URL: "/catalog/default/" + kind + "/" + name,
		Fields: f, Visibility: vis,
	}
}
