package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/api"
)

// newExamplesEnv serves Backstage's example catalog (examples/all.yaml), the data the
// samples in backstage-api-samples were captured from.
func newExamplesEnv(t *testing.T) (*testEnv, string) {
	t.Helper()
	examples := sharedData(t, "PORTAL_BACKSTAGE_EXAMPLES", "backstage-catalog-examples/examples")
	samples := sharedData(t, "PORTAL_BACKSTAGE_SAMPLES", "backstage-api-samples")
	env := newTestEnv(t, api.Deps{})
	dir := env.copyTree(examples, "examples")
	w := env.do(http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"`+filepath.Join(dir, "all.yaml")+`"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("register examples: %d %s", w.Code, w.Body)
	}
	return env, samples
}

func readSample(t *testing.T, dir, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func decodeAny(t *testing.T, w interface{ Bytes() []byte }) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(w.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", w.Bytes(), err)
	}
	return v
}

// shape describes a JSON value's structure without its values: object keys with the
// shapes under them, and for arrays the set of their elements' shapes.
func shape(v any) string {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + shape(t[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		var parts []string
		for _, e := range t {
			parts = append(parts, shape(e))
		}
		sort.Strings(parts)
		return "[" + strings.Join(slices.Compact(parts), "|") + "]"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// generated hides the hash in generated Location names, which depends on the file path.
var generated = regexp.MustCompile(`generated-[0-9a-f]{40}`)

func normalize(v any) any {
	b, _ := json.Marshal(v)
	b = generated.ReplaceAll(b, []byte("generated-HASH"))
	var out any
	json.Unmarshal(b, &out) //nolint:errcheck // it was just marshalled
	return out
}

// drop removes the given dotted keys from a decoded JSON object, in place.
func drop(v any, paths ...string) any {
	for _, p := range paths {
		m, ok := v.(map[string]any)
		parts := strings.Split(p, ".")
		for _, k := range parts[:len(parts)-1] {
			if !ok {
				break
			}
			m, ok = m[k].(map[string]any)
		}
		if ok {
			delete(m, parts[len(parts)-1])
		}
	}
	return v
}

func TestShapesMatchBackstage(t *testing.T) {
	env, samples := newExamplesEnv(t)
	get := func(path string) any {
		t.Helper()
		w := env.do(http.MethodGet, path, "")
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, w.Code, w.Body)
		}
		return decodeAny(t, w.Body)
	}

	// The samples were captured from a slightly different revision of the examples (the
	// Backstage instance had 3 APIs, the files hold 9), so entity content is compared as
	// "everything Backstage showed, we show too" and the envelope by its key paths.
	t.Run("by-name-component", func(t *testing.T) {
		got := get("/api/catalog/entities/by-name/component/default/artist-lookup")
		want := readSample(t, samples, "by-name-component")
		if d := cmp.Diff(envelope(want), envelope(got)); d != "" {
			t.Errorf("entity envelope differs from Backstage's (-backstage +ours):\n%s", d)
		}
		if missing := missingFrom(relations(want), relations(got)); len(missing) > 0 {
			t.Errorf("relations Backstage has and we lack: %v", missing)
		}
	})
	t.Run("by-uid", func(t *testing.T) {
		uid := env.uidOf("component", "artist-lookup")
		got := get("/api/catalog/entities/by-uid/" + uid)
		if d := cmp.Diff(envelope(readSample(t, samples, "by-uid")), envelope(got)); d != "" {
			t.Errorf("entity envelope differs (-backstage +ours):\n%s", d)
		}
	})
	t.Run("entities-filter-fields", func(t *testing.T) {
		got := get("/api/catalog/entities?filter=kind=api&fields=kind,metadata.name,spec.type")
		want := readSample(t, samples, "entities-filter-fields")
		if d := cmp.Diff(shape(want), shape(got)); d != "" {
			t.Errorf("shape differs (-backstage +ours):\n%s", d)
		}
		if missing := missingFrom(jsonStrings(want), jsonStrings(got)); len(missing) > 0 {
			t.Errorf("items Backstage has and we lack: %v", missing)
		}
	})
	t.Run("by-query-fields-order", func(t *testing.T) {
		got := get("/api/catalog/entities/by-query?filter=kind=component,spec.type=service&fields=metadata.name,spec.owner&orderField=metadata.name,asc&limit=3")
		want := readSample(t, samples, "by-query-fields-order")
		if d := cmp.Diff(drop(want, "pageInfo.nextCursor"), drop(got, "pageInfo.nextCursor")); d != "" {
			t.Errorf("differs from Backstage (-backstage +ours):\n%s", d)
		}
	})
	t.Run("by-query-limit5", func(t *testing.T) {
		got := get("/api/catalog/entities/by-query?filter=kind=component&limit=5")
		want := readSample(t, samples, "by-query-limit5")
		if d := cmp.Diff(shape(drop(want, "items")), shape(drop(got, "items"))); d != "" {
			t.Errorf("shape differs (-backstage +ours):\n%s", d)
		}
	})
	t.Run("by-refs", func(t *testing.T) {
		w := env.do(http.MethodPost, "/api/catalog/entities/by-refs",
			`{"entityRefs":["component:default/artist-lookup","api:default/petstore","component:default/nope"],"fields":["kind","metadata.name","metadata.uid"]}`)
		got, want := decodeAny(t, w.Body), readSample(t, samples, "by-refs")
		if d := cmp.Diff(shape(want), shape(got)); d != "" {
			t.Errorf("shape differs (-backstage +ours):\n%s", d)
		}
	})
	t.Run("entity-facets-multi", func(t *testing.T) {
		got := get("/api/catalog/entity-facets?facet=spec.type&facet=metadata.tags&filter=kind=component")
		want := readSample(t, samples, "entity-facets-multi")
		if d := cmp.Diff(shape(want), shape(got)); d != "" {
			t.Errorf("shape differs (-backstage +ours):\n%s", d)
		}
		// The 13 example components are the same in both, so the counts are too.
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("differs from Backstage (-backstage +ours):\n%s", d)
		}
	})
	t.Run("by-name-ancestry", func(t *testing.T) {
		got := normalize(get("/api/catalog/entities/by-name/component/default/artist-lookup/ancestry"))
		want := normalize(readSample(t, samples, "by-name-ancestry"))
		if d := cmp.Diff(ancestryRefs(want), ancestryRefs(got)); d != "" {
			t.Errorf("ancestry differs (-backstage +ours):\n%s", d)
		}
		if d := cmp.Diff(shape(drop(want, "items")), shape(drop(got, "items"))); d != "" {
			t.Errorf("shape differs (-backstage +ours):\n%s", d)
		}
	})
	t.Run("post-location", func(t *testing.T) {
		// Backstage answers a registration with the location and no entities
		// (DefaultLocationService.createLocation), however many the location emits.
		file := env.writeFile("post-location/two.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n"+
			"metadata: {name: posted-one}\nspec: {type: service, lifecycle: production, owner: guests}\n---\n"+
			"apiVersion: backstage.io/v1alpha1\nkind: Component\n"+
			"metadata: {name: posted-two}\nspec: {type: service, lifecycle: production, owner: guests}\n")
		w := env.do(http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"`+file+`"}`)
		if w.Code != http.StatusCreated {
			t.Fatalf("POST /api/catalog/locations = %d %s", w.Code, w.Body)
		}
		got := decodeAny(t, w.Body)
		if d := cmp.Diff(shape(readSample(t, samples, "10k-post-location-201")), shape(got)); d != "" {
			t.Errorf("shape differs (-backstage +ours):\n%s", d)
		}
		if ents, ok := got.(map[string]any)["entities"].([]any); !ok || len(ents) != 0 {
			t.Errorf("entities = %v, want [] as Backstage answers", got.(map[string]any)["entities"])
		}
		get("/api/catalog/entities/by-name/component/default/posted-two")
	})
	t.Run("locations", func(t *testing.T) {
		got := get("/api/catalog/locations")
		if d := cmp.Diff(shape(readSample(t, samples, "10k-locations")), shape(got)); d != "" {
			t.Errorf("shape differs (-backstage +ours):\n%s", d)
		}
		id := got.([]any)[0].(map[string]any)["data"].(map[string]any)["id"].(string)
		if d := cmp.Diff(shape(readSample(t, samples, "10k-location-by-id")), shape(get("/api/catalog/locations/"+id))); d != "" {
			t.Errorf("location shape differs (-backstage +ours):\n%s", d)
		}
		// The generated Location entity the location names exists.
		ref := got.([]any)[0].(map[string]any)["data"].(map[string]any)["entityRef"].(string)
		name := strings.TrimPrefix(ref, "location:default/")
		get("/api/catalog/entities/by-name/location/default/" + name)
	})
	for _, name := range []string{"by-name-404", "by-query-bad-limit"} {
		t.Run(name, func(t *testing.T) {
			req, err := os.ReadFile(filepath.Join(samples, name+".request.txt"))
			if err != nil {
				t.Fatal(err)
			}
			method, path, _ := strings.Cut(strings.TrimSpace(string(req)), " ")
			w := env.do(method, path, "")
			status, _ := os.ReadFile(filepath.Join(samples, name+".headers.txt"))
			if line := strings.SplitN(string(status), "\n", 2)[0]; !strings.Contains(line, fmt.Sprintf(" %d ", w.Code)) {
				t.Errorf("%s = %d, Backstage answered %q", path, w.Code, line)
			}
			if d := cmp.Diff(readSample(t, samples, name), decodeAny(t, w.Body)); d != "" {
				t.Errorf("error body differs (-backstage +ours):\n%s", d)
			}
		})
	}
}

// envelope lists the key paths of an entity that do not depend on its content: the
// top-level keys, metadata's system keys and the shape of relations.
func envelope(v any) []string {
	m := v.(map[string]any)
	var out []string
	for k := range m {
		if k != "status" { // ours carries unresolved-relation warnings there
			out = append(out, k)
		}
	}
	md := m["metadata"].(map[string]any)
	for _, k := range []string{"namespace", "name", "uid", "etag", "generation"} {
		if _, ok := md[k]; ok {
			out = append(out, "metadata."+k)
		}
	}
	ann, _ := md["annotations"].(map[string]any)
	for _, k := range []string{"backstage.io/managed-by-location", "backstage.io/managed-by-origin-location"} {
		if _, ok := ann[k]; ok {
			out = append(out, "metadata.annotations."+k)
		}
	}
	out = append(out, "relations "+shape(m["relations"]))
	sort.Strings(out)
	return out
}

// missingFrom lists the items of want that got lacks.
func missingFrom(want, got []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			out = append(out, w)
		}
	}
	return out
}

// jsonStrings marshals each item of a JSON array.
func jsonStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		b, _ := json.Marshal(e)
		out = append(out, string(b))
	}
	return out
}

// relations returns an entity's relations as sorted "type target" strings.
func relations(v any) []string {
	var out []string
	rels, _ := v.(map[string]any)["relations"].([]any)
	for _, r := range rels {
		m := r.(map[string]any)
		out = append(out, fmt.Sprint(m["type"], " ", m["targetRef"]))
	}
	sort.Strings(out)
	return out
}

// ancestryRefs lists an ancestry as "kind:namespace/name <- parents".
func ancestryRefs(v any) []string {
	var out []string
	m := v.(map[string]any)
	out = append(out, "root "+fmt.Sprint(m["rootEntityRef"]))
	for _, it := range m["items"].([]any) {
		item := it.(map[string]any)
		e := item["entity"].(map[string]any)
		md := e["metadata"].(map[string]any)
		ref := strings.ToLower(fmt.Sprint(e["kind"], ":", md["namespace"], "/", md["name"]))
		out = append(out, fmt.Sprint(ref, " <- ", item["parentEntityRefs"]))
	}
	sort.Strings(out)
	return out
}
