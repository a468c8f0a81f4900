package api_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// nestedNot is a filter (cursor JSON form) of depth n: n-1 nots around one condition.
func nestedNot(n int) string {
	return strings.Repeat(`{"not":`, n-1) + `{"key":"kind","values":["component"]}` + strings.Repeat("}", n-1)
}

// cursorWith is a by-query cursor carrying filter (cursor JSON) and limit.
func cursorWith(filter string, limit int) string {
	c := `{"orderFields":[],"position":{"v":[],"u":"x"},"isPrevious":false`
	if filter != "" {
		c += `,"filter":` + filter
	}
	if limit != 0 {
		c += `,"limit":` + strconv.Itoa(limit)
	}
	return url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(c + "}")))
}

// manyFilters is n filter parameters, each a different condition.
func manyFilters(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString("filter=metadata.name=n" + strconv.Itoa(i))
	}
	return b.String()
}

// nestedPredicate is a predicate body of depth n: n-1 $nots around one condition.
func nestedPredicate(n int) string {
	return strings.Repeat(`{"$not":`, n-1) + `{"kind":"component"}` + strings.Repeat("}", n-1)
}

// TestCatalogQueryBounds checks that filters, predicates, cursors and limits beyond the
// bounds are 400s in Backstage's error shape that name the bound, rather than 500s from
// the database, and that requests within the bounds still work.
func TestCatalogQueryBounds(t *testing.T) {
	env := newLoadedEnv(t)
	const cat = "/api/catalog"
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"cursor filter nested 1000 deep", "GET", cat + "/entities/by-query?cursor=" + cursorWith(nestedNot(1000), 0), "", 400,
			"filter nests 1000 levels deep: at most 16 are allowed"},
		{"cursor filter nested 16 deep", "GET", cat + "/entities/by-query?cursor=" + cursorWith(nestedNot(16), 0), "", 200, ""},
		{"cursor limit too large", "GET", cat + "/entities/by-query?cursor=" + cursorWith("", 1000000), "", 400,
			"limit 1000000 is too large: at most 1000 are allowed"},
		{"cursor limit negative", "GET", cat + "/entities/by-query?cursor=" + cursorWith("", -5), "", 400,
			"limit -5 is negative"},
		{"1000 filters on by-query", "GET", cat + "/entities/by-query?" + manyFilters(1000), "", 400,
			"filter has 1000 conditions: at most 100 are allowed"},
		{"1000 filters on entities", "GET", cat + "/entities?" + manyFilters(1000), "", 400,
			"filter has 1000 conditions: at most 100 are allowed"},
		{"1000 filters on entity-facets", "GET", cat + "/entity-facets?facet=kind&" + manyFilters(1000), "", 400,
			"filter has 1000 conditions: at most 100 are allowed"},
		{"100 filters on by-query", "GET", cat + "/entities/by-query?" + manyFilters(100), "", 200, ""},
		{"5000 values in one filter", "GET", cat + "/entities/by-query?filter=metadata.name=" + strings.Repeat("a,metadata.name=", 4999) + "a", "", 400,
			"filter has 5000 values: at most 1000 are allowed"},
		{"limit too large", "GET", cat + "/entities/by-query?limit=5000", "", 400, "limit 5000 is too large: at most 1000 are allowed"},
		{"limit too large on entities", "GET", cat + "/entities?limit=5000", "", 400, "limit 5000 is too large: at most 1000 are allowed"},
		{"limit too large in a body", "POST", cat + "/entities/by-query", `{"limit":5000}`, 400, "limit 5000 is too large: at most 1000 are allowed"},
		{"limit 1000", "GET", cat + "/entities/by-query?limit=1000", "", 200, ""},
		{"predicate nested 1000 deep", "POST", cat + "/entities/by-query", `{"query":` + nestedPredicate(1000) + `}`, 400,
			"query nests more than 16 levels deep: at most 16 are allowed"},
		{"facets predicate nested 1000 deep", "POST", cat + "/entity-facets", `{"facets":["kind"],"query":` + nestedPredicate(1000) + `}`, 400,
			"query nests more than 16 levels deep: at most 16 are allowed"},
		{"predicate nested 16 deep", "POST", cat + "/entities/by-query", `{"query":` + nestedPredicate(16) + `}`, 200, ""},
		{"too many order fields", "GET", cat + "/entities/by-query?" + strings.Repeat("orderField=metadata.name&", 100), "", 400,
			"sorts by 100 order fields: at most 8 are allowed"},
		{"too many facets", "GET", cat + "/entity-facets?facet=f" + strings.Repeat("x&facet=f", 499) + "y", "", 400,
			"counts 500 facets: at most 100 are allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := env.doAs(asViewer, tt.method, tt.path, tt.body)
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("%s = %d %.300s, want %d", tt.name, w.Code, body, tt.status)
			}
			if tt.status == http.StatusBadRequest && (!strings.Contains(body, tt.want) || !strings.Contains(body, `"name":"InputError"`)) {
				t.Errorf("%s = %.300s, want an InputError saying %q", tt.name, body, tt.want)
			}
		})
	}
}
