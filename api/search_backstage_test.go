package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// backstageOut is GET /api/search/query's answer as Backstage's search client reads it.
type backstageOut struct {
	Results []struct {
		Type      string            `json:"type"`
		Document  map[string]string `json:"document"`
		Highlight struct {
			PreTag  string            `json:"preTag"`
			PostTag string            `json:"postTag"`
			Fields  map[string]string `json:"fields"`
		} `json:"highlight"`
		Rank int `json:"rank"`
	} `json:"results"`
	NextPageCursor     string `json:"nextPageCursor"`
	PreviousPageCursor string `json:"previousPageCursor"`
	NumberOfResults    int    `json:"numberOfResults"`
}

func (o backstageOut) locations() []string {
	var out []string
	for _, r := range o.Results {
		out = append(out, r.Document["location"])
	}
	return out
}

// TestBackstageSearchShape compares the answers with the ones Backstage gave for the same
// requests: the same keys, with values of the same types.
func TestBackstageSearchShape(t *testing.T) {
	samples := sharedData(t, "PORTAL_BACKSTAGE_SAMPLES", "backstage-api-samples")
	env := newSearchEnv(t)
	tests := []struct{ sample, path string }{
		// pageLimit is large so that, as in the samples, there is no further page.
		{"search-query", "/api/search/query?term=payments&types%5B0%5D=software-catalog&pageLimit=100"},
		{"search-query-filtered", "/api/search/query?term=payments&types%5B0%5D=software-catalog&filters%5Bkind%5D=Component&pageLimit=100"},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			w := env.do(http.MethodGet, tt.path, "")
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", tt.path, w.Code, w.Body)
			}
			if diff := cmp.Diff(shape(readSample(t, samples, tt.sample)), shape(decodeAny(t, w.Body))); diff != "" {
				t.Errorf("shape differs from Backstage's (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBackstageSearch(t *testing.T) {
	env := newSearchEnv(t)
	const q = "/api/search/query?term=payments"

	var all backstageOut
	env.searchJSON(asAdmin, q+"&pageLimit=100", &all)
	if all.NumberOfResults != len(all.Results) || len(all.Results) < 5 {
		t.Fatalf("numberOfResults %d with %d results, want all of at least 5", all.NumberOfResults, len(all.Results))
	}
	for i, r := range all.Results {
		if r.Rank != i+1 {
			t.Errorf("result %d has rank %d", i, r.Rank)
		}
		pre, post := r.Highlight.PreTag, r.Highlight.PostTag
		if pre == "" || post == "" || pre == post || strings.Contains(r.Document["title"], pre) {
			t.Errorf("tags %q and %q are not unique markers", pre, post)
		}
		if r.Document["location"] == "/catalog/default/component/payments-api" {
			want := pre + "Payments" + post + " API service"
			if r.Highlight.Fields["title"] != want || r.Document["kind"] != "Component" || r.Type != "software-catalog" {
				t.Errorf("payments-api: type %s, document %v, title highlight %q, want %q", r.Type, r.Document, r.Highlight.Fields["title"], want)
			}
		}
	}

	// Paging: ranks follow the page offset and the cursors lead back and forth.
	var p1, p2, back backstageOut
	env.searchJSON(asAdmin, q+"&pageLimit=2", &p1)
	env.searchJSON(asAdmin, q+"&pageLimit=2&pageCursor="+url.QueryEscape(p1.NextPageCursor), &p2)
	env.searchJSON(asAdmin, q+"&pageLimit=2&pageCursor="+url.QueryEscape(p2.PreviousPageCursor), &back)
	if p1.PreviousPageCursor != "" || p1.NextPageCursor == "" || p2.PreviousPageCursor == "" {
		t.Errorf("cursors: page 1 prev %q next %q; page 2 prev %q", p1.PreviousPageCursor, p1.NextPageCursor, p2.PreviousPageCursor)
	}
	if len(p2.Results) != 2 || p2.Results[0].Rank != 3 || p2.Results[1].Rank != 4 {
		t.Errorf("page 2 = %+v, want ranks 3 and 4", p2.Results)
	}
	if !slices.Equal(append(p1.locations(), p2.locations()...), all.locations()[:4]) || !slices.Equal(back.locations(), p1.locations()) {
		t.Errorf("pages %v + %v, back %v; want the first four of %v", p1.locations(), p2.locations(), back.locations(), all.locations())
	}

	// Types and filters.
	var docs, unknown, both, components backstageOut
	env.searchJSON(asAdmin, q+"&types%5B0%5D=techdocs", &docs)
	env.searchJSON(asAdmin, q+"&types=no-such-type", &unknown)
	env.searchJSON(asAdmin, q+"&types%5B%5D=techdocs&types%5B%5D=software-catalog&pageLimit=100", &both)
	env.searchJSON(asAdmin, q+"&filters%5Bkind%5D=Component&filters%5Blifecycle%5D=Production&pageLimit=100", &components)
	if len(docs.Results) == 0 || unknown.NumberOfResults != 0 || len(unknown.Results) != 0 || both.NumberOfResults != all.NumberOfResults {
		t.Errorf("techdocs %d, unknown type %d, both types %d of %d", len(docs.Results), unknown.NumberOfResults, both.NumberOfResults, all.NumberOfResults)
	}
	for _, r := range docs.Results {
		d := r.Document
		if r.Type != "techdocs" || d["kind"] != "Component" || d["namespace"] != "default" || d["path"] == "" {
			t.Errorf("techdocs result: type %s, document %v", r.Type, d)
		}
		if d["name"] == "payments-api" && d["entityTitle"] != "Payments API service" {
			t.Errorf("entityTitle = %q, want the entity's title", d["entityTitle"])
		}
	}
	if len(components.Results) == 0 {
		t.Error("no production components")
	}
	for _, r := range components.Results {
		if r.Document["kind"] != "Component" || r.Document["lifecycle"] != "production" {
			t.Errorf("filtered result %v is not a production component", r.Document)
		}
	}
}
