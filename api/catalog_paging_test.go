package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"
)

type queryPage struct {
	Items []struct {
		Metadata struct{ Name string } `json:"metadata"`
	} `json:"items"`
	TotalItems int `json:"totalItems"`
	PageInfo   struct {
		NextCursor string `json:"nextCursor"`
		PrevCursor string `json:"prevCursor"`
	} `json:"pageInfo"`
}

func (p queryPage) names() []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Metadata.Name)
	}
	return out
}

// TestQueryCursorPaging walks by-query forward to the end with nextCursor, then back to
// the start with prevCursor, by GET and by POST, and checks every entity is seen once.
func TestQueryCursorPaging(t *testing.T) {
	env := newLoadedEnv(t)
	want := []string{"ledger", "notifier", "payments-api", "reports", "search", "web-shop"}
	first := "/api/catalog/entities/by-query?filter=kind=component&orderField=metadata.name,asc&fields=metadata.name&limit=4"

	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			fetch := func(cursor string) queryPage {
				t.Helper()
				rec := env.do(http.MethodGet, first, "")
				if cursor != "" {
					if method == http.MethodGet {
						rec = env.do(http.MethodGet, "/api/catalog/entities/by-query?limit=2&cursor="+url.QueryEscape(cursor), "")
					} else {
						b, _ := json.Marshal(map[string]any{"cursor": cursor, "limit": 2})
						rec = env.do(http.MethodPost, "/api/catalog/entities/by-query", string(b))
					}
				}
				if rec.Code != http.StatusOK {
					t.Fatalf("page (cursor %q) = %d %s", cursor, rec.Code, rec.Body)
				}
				var p queryPage
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
					t.Fatal(err)
				}
				if p.TotalItems != len(want) {
					t.Errorf("totalItems = %d, want %d", p.TotalItems, len(want))
				}
				return p
			}

			p := fetch("")
			if p.PageInfo.PrevCursor != "" {
				t.Errorf("first page has a prevCursor")
			}
			seen := p.names()
			pages := [][]string{p.names()}
			for p.PageInfo.NextCursor != "" {
				p = fetch(p.PageInfo.NextCursor)
				if p.PageInfo.PrevCursor == "" {
					t.Errorf("page %v has no prevCursor", p.names())
				}
				seen = append(seen, p.names()...)
				pages = append(pages, p.names())
				if len(pages) > 10 {
					t.Fatal("paging does not end")
				}
			}
			if !slices.Equal(seen, want) {
				t.Fatalf("forward pages = %v, want %v in order", pages, want)
			}
			if len(pages) != 2 {
				t.Errorf("pages = %v, want 2 (4 then 2)", pages)
			}

			// Back from the last page: the page before it, with limit 2, ends where it starts.
			var back []string
			for p.PageInfo.PrevCursor != "" {
				p = fetch(p.PageInfo.PrevCursor)
				back = append(p.names(), back...)
				if len(back) > 20 {
					t.Fatal("paging back does not end")
				}
				if p.PageInfo.NextCursor == "" {
					t.Errorf("page %v reached backwards has no nextCursor", p.names())
				}
			}
			if !slices.Equal(back, want[:4]) {
				t.Errorf("backward pages = %v, want %v", back, want[:4])
			}
		})
	}
}

// TestEntitiesLinkPaging follows GET /entities' Link header to the end.
func TestEntitiesLinkPaging(t *testing.T) {
	env := newLoadedEnv(t)
	var all []struct {
		Metadata struct{ UID string } `json:"metadata"`
	}
	env.getJSON("/api/catalog/entities", &all)

	link := regexp.MustCompile(`^<(/entities\?[^>]+)>; rel="next"$`)
	path := "/api/catalog/entities?limit=5&fields=metadata.uid"
	var uids []string
	for i := 0; path != ""; i++ {
		if i > 10 {
			t.Fatal("paging does not end")
		}
		w := env.do(http.MethodGet, path, "")
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, w.Code, w.Body)
		}
		var page []struct {
			Metadata struct{ UID string } `json:"metadata"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			uids = append(uids, e.Metadata.UID)
		}
		path = ""
		if h := w.Header().Get("Link"); h != "" {
			m := link.FindStringSubmatch(h)
			if m == nil {
				t.Fatalf("Link = %q, want Backstage's form", h)
			}
			path = "/api/catalog" + m[1]
		}
	}
	if len(uids) != len(all) {
		t.Fatalf("paged %d entities, listing has %d", len(uids), len(all))
	}
	slices.Sort(uids)
	if len(slices.Compact(uids)) != len(all) {
		t.Errorf("paging returned duplicates")
	}
}
