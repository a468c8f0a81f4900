package api_test

import (
	"strings"
	"testing"
)

// scenario is one request and what its answer must hold, in pocketbase's ApiScenario style.
// "{root}", "{loc}" and "{uid:kind:name}" in path and body are replaced before sending.
type scenario struct {
	name       string
	method     string
	path       string
	body       string
	wantStatus int
	want       []string // substrings of the body
	notWant    []string
}

func (e *testEnv) expand(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, k, v)
	}
	for {
		i := strings.Index(s, "{uid:")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "}")
		kind, name, _ := strings.Cut(s[i+5:i+j], ":")
		s = s[:i] + e.uidOf(kind, name) + s[i+j+1:]
	}
}

func (e *testEnv) run(t *testing.T, tests []scenario, vars map[string]string) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(tt.method, e.expand(tt.path, vars), e.expand(tt.body, vars))
			got := w.Body.String()
			if w.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d; body %s", tt.method, tt.path, w.Code, tt.wantStatus, got)
			}
			for _, s := range tt.want {
				if s = e.expand(s, vars); !strings.Contains(got, s) {
					t.Errorf("%s %s body lacks %q; body %s", tt.method, tt.path, s, got)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(got, s) {
					t.Errorf("%s %s body has %q; body %s", tt.method, tt.path, s, got)
				}
			}
		})
	}
}

func TestCatalogRoutes(t *testing.T) {
	env := newLoadedEnv(t)
	var locs []struct {
		Data struct{ ID, Target string }
	}
	env.getJSON("/api/catalog/locations", &locs)
	if len(locs) != 1 {
		t.Fatalf("locations = %+v, want one", locs)
	}
	vars := map[string]string{"{root}": env.root, "{loc}": locs[0].Data.ID}
	valid := `{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":{"type":"service","lifecycle":"production","owner":"team-a"}}`
	noOwner := `{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":{"type":"service","lifecycle":"production"}}`

	env.run(t, []scenario{
		{"healthz", "GET", "/healthz", "", 200, []string{`{"status":"ok"}`}, nil},
		{"readyz", "GET", "/readyz", "", 200, []string{`"ok"`}, nil},
		{"entities", "GET", "/api/catalog/entities", "", 200,
			[]string{`"name":"payments-api"`, `"relations":[`, `"uid":`, `"etag":`, `"kind":"Location"`}, nil},
		{"entities filter and fields", "GET", "/api/catalog/entities?filter=kind=api&fields=kind,metadata.name,spec.type", "", 200,
			[]string{`[{"kind":"API","metadata":{"name":"payments"},"spec":{"type":"openapi"}}]`}, nil},
		{"entities any of filters", "GET", "/api/catalog/entities?filter=kind=user&filter=kind=group&fields=metadata.name", "", 200,
			[]string{`"jdoe"`, `"team-a"`, `"team-b"`}, []string{`"payments-api"`}},
		{"entities bad limit", "GET", "/api/catalog/entities?limit=abc", "", 400, []string{`"request/query/limit must be integer"`, `"url":"/entities?limit=abc"`}, nil},
		{"entities negative offset", "GET", "/api/catalog/entities?offset=-1", "", 400, []string{"request/query/offset must be >= 0"}, nil},
		{"entities bad order", "GET", "/api/catalog/entities?order=sideways:metadata.name", "", 400, []string{"Invalid order parameter"}, nil},
		{"entities bad filter", "GET", "/api/catalog/entities?filter==component", "", 400, []string{`"InputError"`, "filter"}, nil},

		{"by-query", "GET", "/api/catalog/entities/by-query?filter=kind=component&limit=2", "", 200,
			[]string{`"totalItems":6`, `"nextCursor":"`}, []string{`"prevCursor"`}},
		{"by-query default limit", "GET", "/api/catalog/entities/by-query", "", 200, []string{`"items":[`, `"pageInfo":{`}, nil},
		{"by-query full text", "GET", "/api/catalog/entities/by-query?fullTextFilterTerm=PAYMENTS-&fullTextFilterFields=metadata.name&fields=metadata.name", "", 200,
			[]string{`"payments-api"`, `"totalItems":1`}, []string{`"web-shop"`}},
		{"by-query order desc", "GET", "/api/catalog/entities/by-query?filter=kind=component&orderField=metadata.name,desc&fields=metadata.name&limit=1", "", 200,
			[]string{`{"metadata":{"name":"web-shop"}}`}, nil},
		{"by-query limit 0 counts", "GET", "/api/catalog/entities/by-query?filter=kind=component&limit=0", "", 200,
			[]string{`"items":[]`, `"totalItems":6`}, nil},
		{"by-query bad order", "GET", "/api/catalog/entities/by-query?orderField=metadata.name,sideways", "", 400, []string{"must be asc or desc"}, nil},
		{"by-query bad cursor", "GET", "/api/catalog/entities/by-query?cursor=garbage!", "", 400, []string{"Malformed cursor"}, nil},
		{"by-query bad filter", "GET", "/api/catalog/entities/by-query?filter=kind=component,", "", 400, []string{`"InputError"`}, nil},
		{"post by-query predicate", "POST", "/api/catalog/entities/by-query",
			`{"query":{"kind":"component","spec.type":{"$in":["website","library"]}},"fields":["metadata.name"],"orderBy":[{"field":"metadata.name","order":"asc"}]}`, 200,
			[]string{`"items":[{"metadata":{"name":"ledger"}},{"metadata":{"name":"web-shop"}}]`, `"totalItems":2`}, nil},
		{"post by-query not", "POST", "/api/catalog/entities/by-query",
			`{"query":{"$all":[{"kind":"component"},{"$not":{"spec.owner":"team-a"}}]},"fields":["metadata.name"]}`, 200,
			[]string{`"totalItems":3`, `"search"`}, []string{`"payments-api"`}},
		{"post by-query empty body", "POST", "/api/catalog/entities/by-query", "", 200, []string{`"totalItems":`}, nil},
		{"post by-query not object", "POST", "/api/catalog/entities/by-query", `{"query":[1]}`, 400, []string{"Query must be an object"}, nil},
		{"post by-query bad matcher", "POST", "/api/catalog/entities/by-query", `{"query":{"kind":{"$regex":"x"}}}`, 400, []string{"$regex"}, nil},
		{"post by-query bad json", "POST", "/api/catalog/entities/by-query", `{"query":`, 400, []string{"Malformed request"}, nil},

		{"by-name", "GET", "/api/catalog/entities/by-name/component/default/payments-api", "", 200,
			[]string{`"targetRef":"group:default/team-a"`, `"type":"ownedBy"`, `"type":"providesApi"`, `"namespace":"default"`}, nil},
		{"by-name case-insensitive", "GET", "/api/catalog/entities/by-name/Component/default/Payments-API", "", 200, []string{`"name":"payments-api"`}, nil},
		{"by-name missing", "GET", "/api/catalog/entities/by-name/component/default/does-not-exist", "", 404,
			[]string{`"message":"No entity named 'does-not-exist' found, with kind 'component' in namespace 'default'"`,
				`"url":"/entities/by-name/component/default/does-not-exist"`, `"statusCode":404`}, nil},
		{"ancestry", "GET", "/api/catalog/entities/by-name/component/default/payments-api/ancestry", "", 200,
			[]string{`"rootEntityRef":"component:default/payments-api"`, `"parentEntityRefs":[`, `"kind":"Location"`}, nil},
		{"ancestry missing", "GET", "/api/catalog/entities/by-name/component/default/nope/ancestry", "", 404, []string{"NotFoundError"}, nil},
		{"by-uid", "GET", "/api/catalog/entities/by-uid/{uid:component:search}", "", 200, []string{`"name":"search"`}, nil},
		{"by-uid missing", "GET", "/api/catalog/entities/by-uid/00000000-0000-0000-0000-000000000000", "", 404, []string{"No entity with uid 00000000-0000-0000-0000-000000000000"}, nil},
		{"by-refs", "POST", "/api/catalog/entities/by-refs",
			`{"entityRefs":["component:default/payments-api","api:default/payments","component:default/nope"],"fields":["kind","metadata.name"]}`, 200,
			[]string{`{"items":[{"kind":"Component","metadata":{"name":"payments-api"}},{"kind":"API","metadata":{"name":"payments"}},null]}`}, nil},
		{"by-refs filtered", "POST", "/api/catalog/entities/by-refs?filter=kind=api",
			`{"entityRefs":["component:default/payments-api","api:default/payments","not a ref::"],"fields":["metadata.name"]}`, 200,
			[]string{`{"items":[null,{"metadata":{"name":"payments"}},null]}`}, nil},
		{"by-refs without refs", "POST", "/api/catalog/entities/by-refs", `{"fields":["kind"]}`, 400, []string{"entityRefs"}, nil},
		{"by-refs without body", "POST", "/api/catalog/entities/by-refs", ``, 400, []string{"Missing request body"}, nil},

		{"facets", "GET", "/api/catalog/entity-facets?facet=kind", "", 200,
			[]string{`{"facets":{"kind":[`, `{"value":"Component","count":6}`, `{"value":"Group","count":2}`}, nil},
		{"facets filtered", "GET", "/api/catalog/entity-facets?facet=spec.type&facet=metadata.tags&filter=kind=component", "", 200,
			[]string{`{"value":"service","count":4}`, `{"value":"website","count":1}`, `{"value":"go","count":2}`, `"metadata.tags":[`}, nil},
		{"facets unknown key", "GET", "/api/catalog/entity-facets?facet=spec.nothing", "", 200, []string{`{"facets":{"spec.nothing":[]}}`}, nil},
		{"facets without facet", "GET", "/api/catalog/entity-facets", "", 400, []string{"facet"}, nil},
		{"post facets", "POST", "/api/catalog/entity-facets", `{"facets":["spec.lifecycle"],"query":{"kind":"component"}}`, 200,
			[]string{`{"value":"production","count":3}`, `{"value":"experimental","count":2}`, `{"value":"deprecated","count":1}`}, nil},

		{"refresh", "POST", "/api/catalog/refresh", `{"entityRef":"component:default/payments-api"}`, 200, nil, nil},
		{"refresh missing entity", "POST", "/api/catalog/refresh", `{"entityRef":"component:default/nope"}`, 404, []string{"nope"}, nil},
		{"refresh without ref", "POST", "/api/catalog/refresh", `{}`, 400, []string{"entityRef"}, nil},
		{"validate valid", "POST", "/api/catalog/validate-entity", `{"location":"url:https://example.com/x.yaml","entity":` + valid + `}`, 200, nil, nil},
		{"validate no owner", "POST", "/api/catalog/validate-entity", `{"location":"url:https://example.com/x.yaml","entity":` + noOwner + `}`, 400,
			[]string{`{"errors":[{"name":"InputError","message":"`, "spec.owner"}, nil},
		{"validate without entity", "POST", "/api/catalog/validate-entity", `{"location":"url:x"}`, 400, []string{`"errors":[`, "'entity'"}, nil},
		{"analyze", "POST", "/api/catalog/analyze-location", `{"location":{"type":"file","target":"{root}/catalog/search/catalog-info.yaml"}}`, 200,
			[]string{`"existingEntityFiles":[`, `"isRegistered":true`, `"generateEntities":[]`, `"name":"search"`}, nil},
		{"analyze outside roots", "POST", "/api/catalog/analyze-location", `{"location":{"type":"file","target":"/etc"}}`, 400, []string{"InputError"}, nil},

		{"locations", "GET", "/api/catalog/locations", "", 200,
			[]string{`[{"data":{"id":"{loc}","type":"file","target":"{root}/catalog","entityRef":"location:default/generated-`}, nil},
		{"location", "GET", "/api/catalog/locations/{loc}", "", 200, []string{`{"id":"{loc}","type":"file","target":"{root}/catalog"`}, nil},
		{"location missing", "GET", "/api/catalog/locations/nope", "", 404, []string{"NotFoundError"}, nil},
		{"location by entity", "GET", "/api/catalog/locations/by-entity/component/default/payments-api", "", 200, []string{`"id":"{loc}"`}, nil},
		{"location by missing entity", "GET", "/api/catalog/locations/by-entity/component/default/nope", "", 404, []string{"NotFoundError"}, nil},
		{"location dry run of registered", "POST", "/api/catalog/locations?dryRun=true", `{"type":"file","target":"{root}/catalog"}`, 201,
			[]string{`"exists":true`, `"id":"{loc}"`, `"entities":[`}, nil},
		{"location twice", "POST", "/api/catalog/locations", `{"type":"file","target":"{root}/catalog"}`, 409, []string{`"ConflictError"`}, nil},
		{"location unknown field", "POST", "/api/catalog/locations", `{"type":"file","target":"{root}/x","extra":1}`, 400, []string{"Malformed request", "extra"}, nil},
		{"location without target", "POST", "/api/catalog/locations", `{"type":"file"}`, 400, []string{"target"}, nil},
		{"location unsupported type", "POST", "/api/catalog/locations", `{"type":"gopher","target":"x"}`, 400, []string{"InputError"}, nil},

		{"unknown route", "GET", "/api/catalog/nope", "", 404, []string{`"NotFoundError"`, `"url":"/nope"`}, nil},
		{"wrong method", "DELETE", "/api/catalog/entities/by-query", "", 405, []string{"not allowed", "GET"}, nil},
	}, vars)
}

func TestCatalogMutations(t *testing.T) {
	env := newLoadedEnv(t)
	uid := env.uidOf("component", "notifier")
	env.run(t, []scenario{
		{"delete entity", "DELETE", "/api/catalog/entities/by-uid/" + uid, "", 204, nil, nil},
		{"deleted entity is gone", "GET", "/api/catalog/entities/by-uid/" + uid, "", 404, nil, nil},
		{"delete it again", "DELETE", "/api/catalog/entities/by-uid/" + uid, "", 404, nil, nil},
		{"refresh brings it back", "POST", "/api/catalog/refresh", `{"entityRef":"component:default/payments-api"}`, 200, nil, nil},
		{"it is back", "GET", "/api/catalog/entities/by-name/component/default/notifier", "", 200, nil, nil},
	}, nil)

	var locs []struct{ Data struct{ ID string } }
	env.getJSON("/api/catalog/locations", &locs)
	env.run(t, []scenario{
		{"delete location", "DELETE", "/api/catalog/locations/" + locs[0].Data.ID, "", 204, nil, nil},
		{"its entities are gone", "GET", "/api/catalog/entities", "", 200, []string{"[]"}, nil},
		{"no locations", "GET", "/api/catalog/locations", "", 200, []string{"[]"}, nil},
		{"delete it again", "DELETE", "/api/catalog/locations/" + locs[0].Data.ID, "", 404, nil, nil},
	}, nil)

	dir := env.copyTree("testdata/catalog/search", "again")
	env.run(t, []scenario{
		{"dry run stores nothing", "POST", "/api/catalog/locations?dryRun=true", `{"type":"file","target":"` + dir + `"}`, 201,
			[]string{`"exists":false`, `"name":"search"`}, nil},
		{"still empty", "GET", "/api/catalog/entities", "", 200, []string{"[]"}, nil},
		{"register", "POST", "/api/catalog/locations", `{"type":"file","target":"` + dir + `"}`, 201,
			[]string{`"location":{"id":"`, `"target":"` + dir + `"`, `"entities":[]}`}, nil},
		{"registered", "GET", "/api/catalog/entities/by-name/component/default/search", "", 200, nil, nil},
	}, nil)
}
