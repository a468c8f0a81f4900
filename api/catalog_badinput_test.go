package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputLeavesCatalogUnchanged sends each kind of bad input the issue lists and checks
// it is refused with a 4xx naming the problem, and that the stored catalog is unchanged.
func TestBadInputLeavesCatalogUnchanged(t *testing.T) {
	env := newLoadedEnv(t)
	component := func(name, extra string) string {
		return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
			"\nspec:\n  type: service\n  lifecycle: production\n" + extra
	}
	files := map[string]string{
		"malformed":    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\nspec: {}\n",
		"no-owner":     component("no-owner", ""),
		"bad-name":     component("Bad Name!", "  owner: team-a\n"),
		"unknown-kind": strings.Replace(component("widget", "  owner: team-a\n"), "kind: Component", "kind: Widget", 1),
		// A valid entity beside an invalid one: neither may be stored.
		"mixed": component("fine-one", "  owner: team-a\n") + "---\n" + component("broken-one", ""),
	}
	for name, content := range files {
		env.writeFile(filepath.Join("bad", name, "catalog-info.yaml"), content)
	}
	outside := t.TempDir()
	before := env.snapshot()

	loc := func(dir string) string {
		return `{"type":"file","target":"` + filepath.Join(env.root, "bad", dir) + `"}`
	}
	tests := []scenario{
		{"malformed yaml", "POST", "/api/catalog/locations", loc("malformed"), 400,
			[]string{`"InputError"`, "catalog-info.yaml:"}, nil},
		{"missing spec.owner", "POST", "/api/catalog/locations", loc("no-owner"), 400,
			[]string{"spec.owner", "catalog-info.yaml"}, nil},
		{"bad name", "POST", "/api/catalog/locations", loc("bad-name"), 400, []string{"metadata.name", "Bad Name!"}, nil},
		{"unknown kind", "POST", "/api/catalog/locations", loc("unknown-kind"), 400, []string{"Widget"}, nil},
		{"one bad entity in a file", "POST", "/api/catalog/locations", loc("mixed"), 400, []string{"spec.owner", "broken-one"}, nil},
		{"dry run of a bad file", "POST", "/api/catalog/locations?dryRun=true", loc("no-owner"), 400, []string{"spec.owner"}, nil},
		{"filter syntax error", "GET", "/api/catalog/entities/by-query?filter=kind=component,=x", "", 400, []string{"filter"}, nil},
		{"filter syntax error on entities", "GET", "/api/catalog/entities?filter=,", "", 400, []string{"filter"}, nil},
		{"10 MB body", "POST", "/api/catalog/locations", `{"type":"file","target":"` + strings.Repeat("a", 10<<20) + `"}`, 413,
			[]string{`"PayloadTooLargeError"`, "1048576 bytes"}, nil},
		{"location outside the roots", "POST", "/api/catalog/locations", `{"type":"file","target":"` + outside + `"}`, 400,
			[]string{`"InputError"`, env.root}, nil},
		{"escape with dot-dot", "POST", "/api/catalog/locations", `{"type":"file","target":"` + env.root + `/../../etc"}`, 400,
			[]string{`"InputError"`}, nil},
		{"not json", "POST", "/api/catalog/locations", `type: file`, 400, []string{"Expected body to be a JSON object"}, nil},
	}
	for _, tt := range tests {
		env.run(t, []scenario{tt}, nil)
		if after := env.snapshot(); after != before {
			t.Fatalf("after %q the stored catalog changed:\nbefore %s\nafter  %s", tt.name, before, after)
		}
	}
}

// TestBrokenFileKeepsStoredEntities breaks a registered file and refreshes: the refresh
// is refused with the problem and the entities stored before stay as they were.
func TestBrokenFileKeepsStoredEntities(t *testing.T) {
	env := newLoadedEnv(t)
	before := env.snapshot()
	file := filepath.Join(env.root, "catalog", "search", "catalog-info.yaml")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	env.writeFile("catalog/search/catalog-info.yaml", strings.Replace(string(good), "  owner: team-b\n", "", 1))
	env.run(t, []scenario{
		{"refresh of a broken file", "POST", "/api/catalog/refresh", `{"entityRef":"component:default/search"}`, 400,
			[]string{"spec.owner", "search"}, nil},
	}, nil)
	if after := env.snapshot(); after != before {
		t.Fatalf("a failed refresh changed the catalog:\nbefore %s\nafter  %s", before, after)
	}
	env.writeFile("catalog/search/catalog-info.yaml", string(good))
	if w := env.do(http.MethodPost, "/api/catalog/refresh", `{"entityRef":"component:default/search"}`); w.Code != http.StatusOK {
		t.Fatalf("refresh of the fixed file = %d %s", w.Code, w.Body)
	}
}
