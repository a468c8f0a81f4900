package api

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextportal/portal/indexer"
)

// FuzzParseSearchParams parses fuzzed query strings of GET /api/v1/search and the search
// page: they are a 400 or a query the indexer takes (known mode, limit 0..100, known filter
// fields with clean values, known facets once each), and the search page's URL for it parses
// back to the same query and filters.
func FuzzParseSearchParams(f *testing.F) {
	for _, in := range []string{"q=payments&limit=100", "q=rotate+provider+credentials&mode=lexical", "q=card&mode=vector",
		"q=payments&filter=kind:api&limit=100", "q=payments&owner=team-payments&limit=100", "filter=type:website&filter=type:openapi",
		"q=payments&filter=source:techdocs", "q=payments&facets=kind,owner&limit=100", "q=ledgr", "q=x&mode=fuzzy", "q=x&limit=0",
		"q=x&limit=101", "q=x&limit=ten", "q=x&filter=colour:red", "q=x&filter=kind", "q=x&filter=kind:", "q=x&facets=kind,colour",
		"q=x&cursor=%21%21garbage", "owner=group:other/Team&system=System:a/b&owner=TEAM&filter=OWNER:team", "mode=%20Hybrid%20&limit=%2B7",
		"filter=kind:a:b&tags=%00&domain=x/y/z", "q=%ff%fe&filter=kind%3Aapi%3B"} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw) // as c.Request.URL.Query(), which drops what does not parse
		q, filters, err := parseSearchParams(v)
		if err != nil {
			wantInputError(t, "parseSearchParams", err)
			return
		}
		checkSearchQuery(t, raw, q)
		n := 0
		for _, vals := range q.Filters {
			n += len(vals)
		}
		if n != len(filters) {
			t.Fatalf("parseSearchParams(%q): %d filter values but %d listed", raw, n, len(filters))
		}
		for _, fl := range filters {
			if !slices.Contains(q.Filters[fl.Field], fl.Value) {
				t.Fatalf("parseSearchParams(%q) lists %+v, which is not in the query", raw, fl)
			}
		}
		page, err := url.Parse(searchURL(q, filters, q.Cursor))
		if err != nil {
			t.Fatal(err)
		}
		q2, filters2, err := parseSearchParams(page.Query())
		if err != nil {
			t.Fatalf("the search page URL %s of %q does not parse: %v", page, raw, err)
		}
		q.Limit, q.Facets = 0, nil // the page keeps neither
		if d := cmp.Diff(q, q2, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("the search page URL %s of %q changes the query (-first +again):\n%s", page, raw, d)
		}
		if d := cmp.Diff(filters, filters2, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("the search page URL %s of %q changes the filters (-first +again):\n%s", page, raw, d)
		}
	})
}

// FuzzParseBackstageSearch parses fuzzed query strings of Backstage's GET
// /api/search/query: they are a 400 or a query the indexer takes, with a page size of 1 to
// 100 and an offset of zero or more; the pageCursor of its next page parses back to it.
func FuzzParseBackstageSearch(f *testing.F) {
	for _, in := range []string{"term=payments", "term=x&pageLimit=101", "term=x&pageCursor=nope", "term=x&filters%5Bcolour%5D=red",
		"term=refunds&types%5B0%5D=software-catalog&types%5B1%5D=techdocs", "filters%5Bkind%5D=Component&filters%5Bkind%5D%5B%5D=API",
		"filters%5Bowner%5D=team-a&filters%5Blifecycle%5D%5B0%5D=production&pageLimit=5",
		"term=x&pageCursor=" + encodeBackstageCursor(25, "abc"), "types=docs:runbooks,beir:scifact&filters%5Btag%5D=java",
		"pageCursor=eyJvIjotMSwiYyI6IngifQ", "filters%5B%5D=x&types%5Bx%5D=y&filters%5Bkind%5D%5B%5D%5B%5D=z"} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		bs, err := parseBackstageSearch(v)
		if err != nil {
			wantInputError(t, "parseBackstageSearch", err)
			return
		}
		checkSearchQuery(t, raw, bs.q)
		if bs.q.Limit < 1 || bs.offset < 0 || (bs.q.Cursor == "") != (strings.TrimSpace(v.Get("pageCursor")) == "") {
			t.Fatalf("parseBackstageSearch(%q): limit %d, offset %d, cursor %q", raw, bs.q.Limit, bs.offset, bs.q.Cursor)
		}
		again, err := parseBackstageSearch(v)
		if err != nil || !cmp.Equal(bs.q, again.q, cmpopts.SortSlices(func(a, b string) bool { return a < b })) || again.offset != bs.offset {
			t.Fatalf("parseBackstageSearch(%q) is not deterministic: %+v then %+v, %v", raw, bs.q, again.q, err)
		}
		next := bs.offset + bs.q.Limit
		v.Set("pageCursor", encodeBackstageCursor(next, "next-cursor"))
		nb, err := parseBackstageSearch(v)
		if err != nil || nb.offset != next || nb.q.Cursor != "next-cursor" {
			t.Fatalf("the next pageCursor of %q reads as offset %d, cursor %q, %v", raw, nb.offset, nb.q.Cursor, err)
		}
	})
}

// checkSearchQuery checks what both search APIs promise the indexer.
func checkSearchQuery(t *testing.T, raw string, q indexer.Query) {
	t.Helper()
	if m, ok := indexer.ParseMode(string(q.Mode)); !ok || m != q.Mode {
		t.Fatalf("%q: mode %q", raw, q.Mode)
	}
	if q.Limit < 0 || q.Limit > maxSearchLimit || q.Text != strings.TrimSpace(q.Text) {
		t.Fatalf("%q: limit %d, text %q", raw, q.Limit, q.Text)
	}
	for field, vals := range q.Filters {
		if !slices.Contains(indexer.FilterFields, field) || len(vals) == 0 {
			t.Fatalf("%q: filter field %q with %q", raw, field, vals)
		}
		for i, val := range vals {
			if val == "" || val != strings.ToLower(strings.TrimSpace(val)) || slices.Contains(vals[:i], val) ||
				normalizeFilterValue(field, val) != val {
				t.Fatalf("%q: filter %s has the value %q, not clean", raw, field, val)
			}
		}
	}
	for i, f := range q.Facets {
		if !slices.Contains(indexer.FilterFields, f) || slices.Contains(q.Facets[:i], f) {
			t.Fatalf("%q: facets %q", raw, q.Facets)
		}
	}
}
