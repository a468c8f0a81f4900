package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/indexer"
)

// searchOut is GET /api/v1/search's answer as a client reads it.
type searchOut struct {
	Results     []searchHit `json:"results"`
	Total       int         `json:"total"`
	TotalCapped bool        `json:"totalCapped"`
	NextCursor  string      `json:"nextCursor"`
	PrevCursor  string      `json:"prevCursor"`
	Facets      map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
	DidYouMean string `json:"didYouMean"`
}

// searchHit is one result of GET /api/v1/search.
type searchHit struct {
	DocID      string              `json:"docId"`
	ChunkID    string              `json:"chunkId"`
	Kind       string              `json:"kind"`
	Source     string              `json:"source"`
	EntityRef  string              `json:"entityRef"`
	Title      string              `json:"title"`
	URL        string              `json:"url"`
	Fields     map[string][]string `json:"fields"`
	Score      float64             `json:"score"`
	Snippet    string              `json:"snippet"`
	Highlights [][2]int            `json:"highlights"`
}

func (o searchOut) docIDs() []string {
	var ids []string
	for _, r := range o.Results {
		ids = append(ids, r.DocID)
	}
	return ids
}

// Document ids of the fixtures.
const (
	docPaymentsAPI = "entity:component:default/payments-api"
	docRunbook     = "doc:component:default/payments-api:docs/runbook.md"
	docZebra       = "entity:component:default/zebracrypt"
	docZebraDocs   = "doc:component:default/zebracrypt:docs/index.md"
)

func TestSearchResults(t *testing.T) {
	env := newSearchEnv(t)
	tests := []struct {
		name, path string
		want       []string // doc ids among the results
		check      func(t *testing.T, o searchOut)
	}{
		{name: "entity by name", path: "/api/v1/search?q=payments&limit=100", want: []string{docPaymentsAPI, docRunbook}},
		{name: "doc section with its anchor", path: "/api/v1/search?q=rotate+provider+credentials&mode=lexical",
			check: func(t *testing.T, o searchOut) {
				if len(o.Results) == 0 || o.Results[0].DocID != docRunbook {
					t.Fatalf("top results = %v, want the runbook first", o.docIDs())
				}
				if r := o.Results[0]; !strings.HasSuffix(r.URL, "#rotate-credentials") || r.Kind != indexer.KindDoc || r.Source != "techdocs" {
					t.Errorf("runbook result = %+v, want a techdocs doc linking to #rotate-credentials", r)
				}
			}},
		{name: "every mode finds the service", path: "/api/v1/search?q=card+payments+refunds&mode=vector", want: []string{docPaymentsAPI}},
		{name: "highlights mark query words", path: "/api/v1/search?q=refunds&mode=lexical",
			check: func(t *testing.T, o searchOut) {
				for _, r := range o.Results {
					if len(r.Highlights) == 0 {
						t.Errorf("%s has no highlights in %q", r.DocID, r.Snippet)
					}
					for _, h := range r.Highlights {
						if h[0] < 0 || h[1] > len(r.Snippet) || !strings.HasPrefix(strings.ToLower(r.Snippet[h[0]:h[1]]), "refund") {
							t.Errorf("%s: highlight %v of %q does not mark a query word", r.DocID, h, r.Snippet)
						}
					}
				}
			}},
		{name: "filter as field:value", path: "/api/v1/search?q=payments&filter=kind:api&limit=100",
			check: onlyField(indexer.FieldKind, "api")},
		{name: "filter as a parameter, owner by short name", path: "/api/v1/search?q=payments&owner=team-payments&limit=100",
			check: onlyField(indexer.FieldOwner, "group:default/team-payments")},
		{name: "filters OR within a field", path: "/api/v1/search?filter=type:website&filter=type:openapi&limit=100",
			check: func(t *testing.T, o searchOut) {
				var types []string
				for _, r := range o.Results {
					types = append(types, r.Fields[indexer.FieldType]...)
				}
				slices.Sort(types)
				if got := slices.Compact(types); !slices.Equal(got, []string{"openapi", "website"}) {
					t.Errorf("types = %v, want openapi and website", got)
				}
			}},
		{name: "source filter", path: "/api/v1/search?q=payments&filter=source:techdocs&limit=100",
			check: func(t *testing.T, o searchOut) {
				for _, r := range o.Results {
					if r.Source != "techdocs" {
						t.Errorf("%s from %s, want techdocs only", r.DocID, r.Source)
					}
				}
			}},
		{name: "facets count the ranked documents", path: "/api/v1/search?q=payments&facets=kind,owner&limit=100",
			check: func(t *testing.T, o searchOut) {
				n := 0
				for _, fc := range o.Facets["kind"] {
					n += fc.Count
				}
				if n != o.Total || len(o.Facets["owner"]) == 0 {
					t.Errorf("kind facet counts %d of %d documents; owner facet %v", n, o.Total, o.Facets["owner"])
				}
			}},
		{name: "did you mean", path: "/api/v1/search?q=ledgr",
			check: func(t *testing.T, o searchOut) {
				if o.DidYouMean != "ledger" {
					t.Errorf("didYouMean = %q, want ledger", o.DidYouMean)
				}
			}},
		{name: "no match is an empty page", path: "/api/v1/search?q=qwxzvbnm&facets=kind",
			check: func(t *testing.T, o searchOut) {
				if o.Results == nil || len(o.Results) != 0 || o.Total != 0 || o.Facets["kind"] == nil {
					t.Errorf("answer = %+v, want empty lists, not nulls", o)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o searchOut
			env.searchJSON(asAdmin, tt.path, &o)
			for _, id := range tt.want {
				if !slices.Contains(o.docIDs(), id) {
					t.Errorf("results %v lack %s", o.docIDs(), id)
				}
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

// onlyField checks that there are results and each has value in field.
func onlyField(field, value string) func(t *testing.T, o searchOut) {
	return func(t *testing.T, o searchOut) {
		if len(o.Results) == 0 {
			t.Fatal("no results")
		}
		for _, r := range o.Results {
			if !slices.Contains(r.Fields[field], value) {
				t.Errorf("%s has %s %v, want %s", r.DocID, field, r.Fields[field], value)
			}
		}
	}
}

// TestSearchPaging follows the cursors two at a time and gets the same documents, once
// each, as one big page.
func TestSearchPaging(t *testing.T) {
	env := newSearchEnv(t)
	var all searchOut
	env.searchJSON(asAdmin, "/api/v1/search?q=payments&limit=100", &all)
	if len(all.Results) < 5 {
		t.Fatalf("only %d results for payments; the fixtures should give more", len(all.Results))
	}
	var got []string
	path := "/api/v1/search?q=payments&limit=2"
	for page := 0; ; page++ {
		var o searchOut
		env.searchJSON(asAdmin, path, &o)
		if (page > 0) != (o.PrevCursor != "") {
			t.Errorf("page %d: prevCursor %q", page, o.PrevCursor)
		}
		if o.Total != all.Total {
			t.Errorf("page %d: total %d, want %d", page, o.Total, all.Total)
		}
		got = append(got, o.docIDs()...)
		if o.NextCursor == "" {
			break
		}
		if page > 50 {
			t.Fatal("cursors do not end")
		}
		path = "/api/v1/search?q=payments&limit=2&cursor=" + url.QueryEscape(o.NextCursor)
	}
	if !slices.Equal(got, all.docIDs()) {
		t.Errorf("paged results:\n%v\nwant the one-page order:\n%v", got, all.docIDs())
	}
}

func TestSearchBadInput(t *testing.T) {
	env := newSearchEnv(t)
	var first searchOut
	env.searchJSON(asAdmin, "/api/v1/search?q=payments&limit=1", &first)
	if first.NextCursor == "" {
		t.Fatal("no next cursor")
	}
	tests := []struct{ path, want string }{
		{"/api/v1/search?q=x&mode=fuzzy", `unknown mode \"fuzzy\": use lexical, vector or hybrid`},
		{"/api/v1/search?q=x&limit=0", "limit 0 is out of range: use 1 to 100"},
		{"/api/v1/search?q=x&limit=101", "limit 101 is out of range"},
		{"/api/v1/search?q=x&limit=ten", `limit must be an integer, got \"ten\"`},
		{"/api/v1/search?q=x&filter=colour:red", `unknown filter field \"colour\": use one of kind, type, owner`},
		{"/api/v1/search?q=x&filter=kind", `filter \"kind\" must be field:value`},
		{"/api/v1/search?q=x&filter=kind:", "filter kind has an empty value"},
		{"/api/v1/search?q=x&facets=kind,colour", `unknown facet \"colour\"`},
		{"/api/v1/search?q=x&cursor=%21%21garbage", "cursor"},
		{"/api/v1/search?q=ledger&limit=1&cursor=" + url.QueryEscape(first.NextCursor), "cursor"},
		{"/api/search/query?term=x&pageLimit=101", "pageLimit 101 is out of range"},
		{"/api/search/query?term=x&pageCursor=nope", "invalid pageCursor"},
		{"/api/search/query?term=x&filters%5Bcolour%5D=red", `unsupported filter \"colour\"`},
		// Bounded text: a long query or word is refused before it costs anything.
		{"/api/v1/search?q=" + strings.Repeat("ab+", 334), "query is 1001 characters long: at most 1000 are allowed"},
		{"/api/v1/search?q=" + strings.Repeat("x", 3000), "query is 3000 characters long: at most 1000 are allowed"},
		{"/api/v1/search?q=" + strings.Repeat("x", 900), `query word \"xxxxxxxxxxxxxxxxxxxx…\" is 900 characters long: at most 128 are allowed`},
		{"/api/v1/search?q=ok+" + strings.Repeat("y", 129), "is 129 characters long: at most 128 are allowed"},
		{"/api/search/query?term=" + strings.Repeat("z", 70000), "query is 70000 characters long: at most 1000 are allowed"},
		{"/api/search/query?term=" + strings.Repeat("z", 200), "is 200 characters long: at most 128 are allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := env.do(http.MethodGet, tt.path, "")
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tt.want) || !strings.Contains(w.Body.String(), `"name":"InputError"`) {
				t.Errorf("GET %s = %d %s, want 400 InputError saying %s", tt.path, w.Code, w.Body, tt.want)
			}
		})
	}
}

// TestSearchWithoutIndex checks that a server without a search service says so.
func TestSearchWithoutIndex(t *testing.T) {
	env := newTestEnv(t, api.Deps{})
	for _, path := range []string{"/api/v1/search?q=x", "/api/search/query?term=x"} {
		w := env.do(http.MethodGet, path, "")
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "search is not available") {
			t.Errorf("GET %s = %d %s, want 503 saying search is not available", path, w.Code, w.Body)
		}
	}
	w := env.do(http.MethodGet, "/search?q=x", "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Search is not available") {
		t.Errorf("GET /search = %d, want 200 saying search is not available:\n%s", w.Code, w.Body)
	}
}
