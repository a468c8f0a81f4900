package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
)

// hiddenFromViewer are the entities of testdata/auth that a viewer outside team-secret and
// team-audit may not see; asAuditor may see secret-svc only.
var hiddenFromViewer = []string{"a-secret-00", "a-secret-01", "a-secret-02", "a-secret-03", "a-secret-04", "a-secret-05",
	"secret-api", "secret-svc", "typo-svc"}

const asAuditor = "auditor"

// TestRestrictedEntitiesNeverLeak checks every read route for restricted entities: a
// viewer outside the owning and allowed groups gets exactly what they would get if the
// entities did not exist; the owner, a member of an allowed group and the admin see them.
func TestRestrictedEntitiesNeverLeak(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	if _, err := env.auth.AddUser(t.Context(), auth.NewUser{Name: asAuditor, Role: auth.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	raw, _, err := env.auth.CreateToken(t.Context(), asAuditor, "test", auth.ScopeRead, 0)
	if err != nil {
		t.Fatal(err)
	}
	env.tokens[asAuditor] = raw

	all := env.visibleNames(asAdmin)
	for _, h := range hiddenFromViewer {
		if !slices.Contains(all, h) {
			t.Fatalf("the admin does not see %s; all: %v", h, all)
		}
	}
	hidden := map[string][]string{
		asViewer:  hiddenFromViewer,
		asAuditor: slices.DeleteFunc(slices.Clone(hiddenFromViewer), func(n string) bool { return n == "secret-svc" }),
		asOwner:   nil,
		asAdmin:   nil,
	}
	secretUID := env.uidOf("component", "secret-svc")

	for _, who := range []string{asViewer, asAuditor, asOwner, asAdmin} {
		t.Run(who, func(t *testing.T) {
			want := slices.DeleteFunc(slices.Clone(all), func(n string) bool { return slices.Contains(hidden[who], n) })
			seesSecret := !slices.Contains(hidden[who], "secret-svc")

			if got := env.visibleNames(who); !cmp.Equal(got, want) {
				t.Errorf("GET /entities names:\n%s", cmp.Diff(want, got))
			}
			if got, total := env.pagedNames(who, 2); !cmp.Equal(got, want) || total != len(want) {
				t.Errorf("by-query paged by cursor: total %d, want %d; names:\n%s", total, len(want), cmp.Diff(want, got))
			}
			env.checkFacets(t, who, want)

			// Single reads: 404 in exactly the shape of a missing entity.
			for _, path := range []string{
				"/api/catalog/entities/by-name/component/default/%s",
				"/api/catalog/entities/by-name/component/default/%s/ancestry",
				"/api/catalog/locations/by-entity/component/default/%s",
			} {
				got := env.doAs(who, "GET", strings.Replace(path, "%s", "secret-svc", 1), "")
				missing := env.doAs(who, "GET", strings.Replace(path, "%s", "no-such-svc", 1), "")
				if seesSecret {
					if got.Code != http.StatusOK {
						t.Errorf("GET %s = %d, want 200", path, got.Code)
					}
					continue
				}
				if got.Code != http.StatusNotFound || strings.ReplaceAll(got.Body.String(), "secret-svc", "no-such-svc") != missing.Body.String() {
					t.Errorf("GET %s = %d %s\nwant it like a missing entity: %d %s", path, got.Code, got.Body, missing.Code, missing.Body)
				}
			}
			byUID := env.doAs(who, "GET", "/api/catalog/entities/by-uid/"+secretUID, "")
			if seesSecret != (byUID.Code == http.StatusOK) || (!seesSecret && byUID.Code != http.StatusNotFound) {
				t.Errorf("GET by-uid of secret-svc = %d, want %s", byUID.Code, map[bool]string{true: "200", false: "404"}[seesSecret])
			}
			refs := env.doAs(who, "POST", "/api/catalog/entities/by-refs",
				`{"entityRefs":["component:default/secret-svc","component:default/open-svc"],"fields":["metadata.name"]}`)
			wantRefs := `{"items":[null,{"metadata":{"name":"open-svc"}}]}`
			if seesSecret {
				wantRefs = `{"items":[{"metadata":{"name":"secret-svc"}},{"metadata":{"name":"open-svc"}}]}`
			}
			if refs.Body.String() != wantRefs {
				t.Errorf("by-refs = %s, want %s", refs.Body, wantRefs)
			}

			// open-svc is visible to all; its relation to secret-svc (dependencyOf) only to
			// those who may see secret-svc. Nor may a page, list or search name it.
			for _, path := range []string{
				"/api/catalog/entities/by-name/component/default/open-svc",
				"/api/catalog/entities/by-name/component/default/open-svc/ancestry",
				"/api/catalog/entities?filter=kind=component",
				"/api/catalog/entities/by-query?fullTextFilterTerm=secret",
				"/catalog",
				"/catalog?q=secret",
				"/catalog/default/component/open-svc",
				"/catalog/default/group/team-secret",
			} {
				w := env.doAs(who, "GET", path, "")
				if w.Code != http.StatusOK {
					t.Errorf("GET %s = %d, want 200", path, w.Code)
				}
				for _, h := range hidden[who] {
					if strings.Contains(w.Body.String(), h) {
						t.Errorf("GET %s names %s, which %s may not see", path, h, who)
					}
				}
			}
			if seesSecret {
				w := env.doAs(who, "GET", "/api/catalog/entities/by-name/component/default/open-svc", "")
				if !strings.Contains(w.Body.String(), `"targetRef":"component:default/secret-svc"`) {
					t.Errorf("open-svc lacks its relation to secret-svc for %s: %s", who, w.Body)
				}
			}
			// A filter on the relation type alone matches only relations to entities the
			// caller may see: open-svc's only dependencyOf points at secret-svc.
			for _, path := range []string{
				"/api/catalog/entities?fields=metadata.name&filter=relations.dependencyOf",
				"/api/catalog/entities/by-query?fields=metadata.name&filter=relations.dependencyof",
				"/api/catalog/entity-facets?facet=metadata.name&filter=relations.dependencyOf",
			} {
				w := env.doAs(who, "GET", path, "")
				if got := strings.Contains(w.Body.String(), "open-svc"); w.Code != http.StatusOK || got != seesSecret {
					t.Errorf("GET %s = %d %s: names open-svc %v, want %v", path, w.Code, w.Body, got, seesSecret)
				}
			}
			page := env.doAs(who, "GET", "/catalog/default/component/secret-svc", "")
			if seesSecret != (page.Code == http.StatusOK) || (!seesSecret && page.Code != http.StatusNotFound) {
				t.Errorf("entity page of secret-svc = %d", page.Code)
			}

			// Nothing can be done to an entity one cannot see: it is not there.
			if !seesSecret {
				if w := env.doAs(who, "DELETE", "/api/catalog/entities/by-uid/"+secretUID, ""); w.Code != http.StatusNotFound {
					t.Errorf("DELETE secret-svc = %d, want 404", w.Code)
				}
			}
		})
	}
	checkAnalyzeNeverLeaks(t, env)

	// A developer outside the groups may not refresh what they cannot see, either.
	if w := env.doAs(asDeveloper, "POST", "/api/catalog/refresh", `{"entityRef":"component:default/secret-svc"}`); w.Code != http.StatusNotFound {
		t.Errorf("refresh of secret-svc by a developer = %d, want 404", w.Code)
	}
	// The guest of demo mode sees what any signed-in user sees, not restricted entities.
	if w := env.doAs(asGuest, "GET", "/api/catalog/entities/by-name/component/default/secret-svc", ""); w.Code != http.StatusNotFound {
		t.Errorf("guest GET secret-svc = %d, want 404", w.Code)
	}
}

// visibleNames lists the names of every entity who sees through GET /entities, sorted.
func (e *testEnv) visibleNames(who string) []string {
	e.t.Helper()
	var ents []struct{ Metadata struct{ Name string } }
	decode(e.t, e.doAs(who, "GET", "/api/catalog/entities?fields=metadata.name", ""), &ents)
	var names []string
	for _, x := range ents {
		names = append(names, x.Metadata.Name)
	}
	slices.Sort(names)
	return names
}

// pagedNames walks GET /entities/by-query by nextCursor with pages of limit and returns
// the names seen (sorted) and the total the first page reported. Every page but the
// last must be full.
func (e *testEnv) pagedNames(who string, limit int) ([]string, int) {
	e.t.Helper()
	type page struct {
		Items      []struct{ Metadata struct{ Name string } }
		TotalItems int
		PageInfo   struct{ NextCursor string }
	}
	var names []string
	var total int
	path := "/api/catalog/entities/by-query?orderField=metadata.name,asc&fields=metadata.name&limit=" + strconv.Itoa(limit)
	for i := 0; path != ""; i++ {
		if i > 100 {
			e.t.Fatal("more than 100 pages")
		}
		var p page
		decode(e.t, e.doAs(who, "GET", path, ""), &p)
		if i == 0 {
			total = p.TotalItems
		}
		for _, it := range p.Items {
			names = append(names, it.Metadata.Name)
		}
		path = ""
		if p.PageInfo.NextCursor != "" {
			if len(p.Items) != limit {
				e.t.Errorf("page %d of %s has %d items, want a full page of %d", i, who, len(p.Items), limit)
			}
			path = "/api/catalog/entities/by-query?limit=" + strconv.Itoa(limit) + "&cursor=" + url.QueryEscape(p.PageInfo.NextCursor)
		}
	}
	slices.Sort(names)
	return names, total
}

// checkFacets checks that the kind and name facets count exactly the entities in want.
func (e *testEnv) checkFacets(t *testing.T, who string, want []string) {
	t.Helper()
	var f struct {
		Facets map[string][]struct {
			Value string
			Count int
		}
	}
	decode(t, e.doAs(who, "GET", "/api/catalog/entity-facets?facet=metadata.name&facet=kind", ""), &f)
	var names []string
	kinds := 0
	for _, v := range f.Facets["metadata.name"] {
		names = append(names, v.Value)
	}
	for _, v := range f.Facets["kind"] {
		kinds += v.Count
	}
	slices.Sort(names)
	if !cmp.Equal(names, want) || kinds != len(want) {
		b, _ := json.Marshal(f)
		t.Errorf("facets of %s: kinds count %d, want %d; names:\n%s\n%s", who, kinds, len(want), cmp.Diff(want, names), b)
	}
}

// checkAnalyzeNeverLeaks checks analyze-location and dry-run registration, which read
// files rather than the catalog: viewers may not call them (Backstage counts both as
// location-create actions), and a developer outside the owning groups gets neither the
// restricted entities a file holds nor whether they are registered.
func checkAnalyzeNeverLeaks(t *testing.T, env *testEnv) {
	t.Helper()
	file := env.root + "/auth/catalog-info.yaml"
	analyze := `{"location":{"type":"file","target":"` + file + `"}}`
	dryRun := `{"type":"file","target":"` + file + `"}`
	for _, who := range []string{asViewer, asAuditor} {
		if w := env.doAs(who, "POST", "/api/catalog/analyze-location", analyze); w.Code != http.StatusForbidden {
			t.Errorf("analyze-location as %s = %d %s, want 403", who, w.Code, w.Body)
		}
		if w := env.doAs(who, "POST", "/api/catalog/locations?dryRun=true", dryRun); w.Code != http.StatusForbidden {
			t.Errorf("dry-run location as %s = %d %s, want 403", who, w.Code, w.Body)
		}
	}
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/catalog/analyze-location", analyze},
		{"POST", "/api/catalog/locations?dryRun=true", dryRun},
	} {
		w := env.doAs(asDeveloper, c.method, c.path, c.body)
		if w.Code/100 != 2 {
			t.Errorf("%s as developer = %d %s", c.path, w.Code, w.Body)
		}
		for _, h := range hiddenFromViewer {
			if strings.Contains(w.Body.String(), h) {
				t.Errorf("%s as developer names %s, which they may not see", c.path, h)
			}
		}
		if !strings.Contains(w.Body.String(), "open-svc") {
			t.Errorf("%s as developer lacks open-svc: %s", c.path, w.Body)
		}
		if w := env.doAs(asOwner, c.method, c.path, c.body); !strings.Contains(w.Body.String(), "secret-svc") {
			t.Errorf("%s as owner lacks secret-svc: %d %s", c.path, w.Code, w.Body)
		}
	}
	// A file holding only an unregistered copy of a hidden entity answers like one holding
	// a registered one: nothing to tell the two apart.
	for _, name := range []string{"secret-svc", "never-registered-svc"} {
		p := env.writeFile("probe/"+name+".yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: "+name+
			"\n  annotations:\n    nextportal.io/visibility: restricted\nspec:\n  type: service\n  lifecycle: production\n  owner: team-secret\n")
		w := env.doAs(asDeveloper, "POST", "/api/catalog/analyze-location", `{"location":{"type":"file","target":"`+p+`"}}`)
		if want := `{"existingEntityFiles":[],"generateEntities":[]}`; w.Body.String() != want {
			t.Errorf("analyze of a restricted %s as developer = %d %s, want %s", name, w.Code, w.Body, want)
		}
	}
}
