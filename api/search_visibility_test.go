package api_test

import (
	"slices"
	"strings"
	"testing"
)

// TestSearchVisibility checks that a restricted entity and its docs never reach a caller
// who may not see them: not in results, totals, facets, snippets or "did you mean", in
// either API, while its owners and admins find them.
func TestSearchVisibility(t *testing.T) {
	env := newSearchEnv(t)
	restricted := []string{docZebra, docZebraDocs}

	var adminAll, viewerAll searchOut
	env.searchJSON(asAdmin, "/api/v1/search?limit=100&facets=owner,type", &adminAll)
	env.searchJSON(asViewer, "/api/v1/search?limit=100&facets=owner,type", &viewerAll)
	for _, id := range restricted {
		if !slices.Contains(adminAll.docIDs(), id) {
			t.Errorf("admin does not find %s among %v", id, adminAll.docIDs())
		}
	}
	if viewerAll.Total != adminAll.Total-len(restricted) || len(viewerAll.Results) != viewerAll.Total {
		t.Errorf("viewer total %d with %d results, want the admin's %d less the %d restricted documents",
			viewerAll.Total, len(viewerAll.Results), adminAll.Total, len(restricted))
	}
	for _, fc := range viewerAll.Facets["owner"] {
		if fc.Value == "group:default/team-secret" {
			t.Errorf("viewer's owner facet counts team-secret: %v", viewerAll.Facets["owner"])
		}
	}

	for _, who := range []string{asViewer, asDeveloper, asGuest, asOwner, asAdmin} {
		sees := who == asOwner || who == asAdmin
		t.Run(who, func(t *testing.T) {
			for _, q := range []string{"zebracrypt", "master+keys", "rotate+payment+secrets", "payments", ""} {
				var o searchOut
				env.searchJSON(who, "/api/v1/search?limit=100&facets=owner&q="+q, &o)
				found := slices.ContainsFunc(o.Results, func(r searchHit) bool {
					return slices.Contains(restricted, r.DocID)
				})
				if q == "zebracrypt" && found != sees {
					t.Errorf("q=%s: found zebracrypt = %v, want %v", q, found, sees)
				}
				if !sees && found {
					t.Errorf("q=%s: restricted documents among %v", q, o.docIDs())
				}
				for _, fc := range o.Facets["owner"] {
					if !sees && fc.Value == "group:default/team-secret" {
						t.Errorf("q=%s: owner facet counts team-secret", q)
					}
				}
			}
			var o searchOut
			env.searchJSON(who, "/api/v1/search?q=zebracrpyt", &o)
			if got := strings.Contains(o.DidYouMean, "zebracrypt"); got != sees {
				t.Errorf("didYouMean for zebracrpyt = %q; suggests zebracrypt = %v, want %v", o.DidYouMean, got, sees)
			}
			var bs backstageOut
			env.searchJSON(who, "/api/search/query?term=zebracrypt&pageLimit=100", &bs)
			found := slices.ContainsFunc(bs.locations(), func(l string) bool { return strings.Contains(l, "/component/zebracrypt") })
			if found != sees {
				t.Errorf("Backstage search for zebracrypt finds it = %v, want %v: %v", found, sees, bs.locations())
			}
		})
	}
}
