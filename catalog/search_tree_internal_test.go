package catalog

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nextportal/portal/internal/testenv"
)

// TestJSONTreeMatchesRoundTrip: the tree jsonTree builds is what decoding the entity's JSON
// gives, for hand-made entities and for every entity in Backstage's captured responses;
// where the round trip would change the entity, jsonTree says so.
func TestJSONTreeMatchesRoundTrip(t *testing.T) {
	ents := []Entity{
		{APIVersion: "v1", Kind: "Component", Metadata: Metadata{Name: "bare"}},
		{APIVersion: "v1", Kind: "Component", Metadata: Metadata{Name: "empties", Labels: map[string]string{}, Annotations: map[string]string{},
			Tags: []string{}, Links: []Link{}}, Spec: map[string]any{}},
		{APIVersion: "v1", Kind: "Component", Metadata: Metadata{Name: "full", Namespace: "ns", Title: "T", Description: "<d & e>",
			Labels: map[string]string{"tier": "1"}, Annotations: map[string]string{"a/b": "c"}, Tags: []string{"x", "y"},
			Links: []Link{{URL: "https://e"}, {URL: "u", Title: "t", Icon: "i", Type: "y"}}, UID: "uid", Etag: "e", Generation: 3},
			Spec:      map[string]any{"n": 1.5, "b": true, "nil": nil, "list": []any{"a", 2.0, map[string]any{"k": "v"}}, "m": map[string]any{}},
			Relations: []Relation{{Type: "ownedBy", TargetRef: "group:default/a"}}, Status: &Status{}},
	}
	samples := testenv.Dir(t, "PORTAL_BACKSTAGE_SAMPLES", "../../shared/data/backstage-api-samples")
	files, err := filepath.Glob(filepath.Join(samples, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Items []Entity `json:"items"`
		}
		if json.Unmarshal(b, &page) == nil {
			ents = append(ents, page.Items...)
		}
	}
	if len(ents) < 20 {
		t.Fatalf("only %d entities to compare", len(ents))
	}
	for _, e := range ents {
		b, err := json.Marshal(entityForHash(&e))
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		got, ok := jsonTree(&e)
		if !ok {
			t.Errorf("%s: jsonTree refused a JSON-decoded entity", e.Ref())
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: jsonTree\n%v\nwant\n%v", e.Ref(), got, want)
		}
	}
	for name, spec := range map[string]map[string]any{
		"an int":        {"port": 8080},
		"a []string":    {"list": []string{"a"}},
		"invalid UTF-8": {"s": "a\xffb"},
		"NaN":           {"x": math.NaN()},
	} {
		e := Entity{APIVersion: "v1", Kind: "Component", Metadata: Metadata{Name: "n"}, Spec: spec}
		if _, ok := jsonTree(&e); ok {
			t.Errorf("%s: jsonTree took a spec the JSON round trip changes", name)
		}
	}
}
