package api

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/catalog"
)

func TestParsePredicate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    catalog.Filter
		wantErr string
	}{
		{"absent", ``, catalog.Filter{}, ""},
		{"empty object", `{}`, catalog.Filter{}, ""},
		{"one key", `{"kind":"Component"}`, catalog.Filter{Key: "kind", Values: []string{"Component"}}, ""},
		{"two keys are all of", `{"spec.type":"service","kind":"component"}`, catalog.Filter{AllOf: []catalog.Filter{
			{Key: "kind", Values: []string{"component"}}, {Key: "spec.type", Values: []string{"service"}}}}, ""},
		{"in", `{"spec.type":{"$in":["service","website"]}}`, catalog.Filter{Key: "spec.type", Values: []string{"service", "website"}}, ""},
		{"exists", `{"spec.owner":{"$exists":true}}`, catalog.Filter{Key: "spec.owner"}, ""},
		{"not exists", `{"spec.owner":{"$exists":false}}`, catalog.Filter{Not: &catalog.Filter{Key: "spec.owner"}}, ""},
		{"number and bool", `{"a":7,"b":true}`, catalog.Filter{AllOf: []catalog.Filter{
			{Key: "a", Values: []string{"7"}}, {Key: "b", Values: []string{"true"}}}}, ""},
		{"contains", `{"metadata.tags":{"$contains":"java"}}`, catalog.Filter{Key: "metadata.tags", Values: []string{"java"}}, ""},
		{"any and not", `{"$any":[{"kind":"api"},{"$not":{"kind":"user"}}]}`, catalog.Filter{AnyOf: []catalog.Filter{
			{Key: "kind", Values: []string{"api"}}, {Not: &catalog.Filter{Key: "kind", Values: []string{"user"}}}}}, ""},
		{"all of nothing matches all", `{"$all":[]}`, catalog.Filter{}, ""},
		{"any of nothing matches nothing", `{"$any":[]}`, matchNothing, ""},
		{"not an object", `[1]`, catalog.Filter{}, "Query must be an object"},
		{"unknown operator", `{"$xor":[]}`, catalog.Filter{}, "unknown operator $xor"},
		{"operator with keys", `{"$all":[],"kind":"x"}`, catalog.Filter{}, "must stand alone"},
		{"unsupported matcher", `{"metadata.name":{"$startsWith":"a"}}`, catalog.Filter{}, "unsupported matcher $startsWith"},
		{"bad in", `{"kind":{"$in":"x"}}`, catalog.Filter{}, "$in: expected an array"},
		{"null value", `{"kind":null}`, catalog.Filter{}, "query.kind"},
		{"empty key", `{"$any":[{"":"x"},{"kind":"api"}]}`, catalog.Filter{}, "a key is empty"},
		{"blank key", `{" ":{"$exists":true}}`, catalog.Filter{}, "a key is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePredicateJSON(json.RawMessage(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parsePredicateJSON(%s) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parsePredicateJSON(%s): %v", tt.in, err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("parsePredicateJSON(%s) mismatch (-want +got):\n%s", tt.in, d)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	v := "artist-lookup"
	q := catalog.Query{
		Filter: catalog.Filter{AnyOf: []catalog.Filter{
			{AllOf: []catalog.Filter{{Key: "kind", Values: []string{"component"}}, {Key: "spec.type"}}},
			{Not: &catalog.Filter{Key: "kind", Values: []string{"user"}}},
		}},
		OrderBy:  []catalog.Order{{Field: "metadata.name", Desc: true}},
		FullText: &catalog.FullText{Term: "art", Fields: []string{"metadata.name"}},
		Limit:    3,
	}
	pos := catalog.Position{Values: []*string{&v}, UID: "897f9d1c"}
	for _, prev := range []bool{false, true} {
		enc := encodeCursor(newCursor(q, pos, prev))
		dec, err := decodeCursor(enc)
		if err != nil {
			t.Fatalf("decodeCursor(%s): %v", enc, err)
		}
		want := q
		if prev {
			want.Before = &pos
		} else {
			want.After = &pos
		}
		if d := cmp.Diff(want, dec.query()); d != "" {
			t.Errorf("cursor round trip (prev=%v) mismatch (-want +got):\n%s", prev, d)
		}
	}
}

func TestDecodeCursorRejects(t *testing.T) {
	for _, in := range []string{"", "%%%", "bm90IGpzb24=", "eyJ4IjoxfQ==", "eyJvcmRlckZpZWxkcyI6W10sInBvc2l0aW9uIjp7InYiOltdLCJ1IjoiIn0sImlzUHJldmlvdXMiOmZhbHNlfQ=="} {
		if _, err := decodeCursor(in); err == nil {
			t.Errorf("decodeCursor(%q) = nil error, want one", in)
		}
	}
}

func TestProject(t *testing.T) {
	e := catalog.Entity{APIVersion: "backstage.io/v1alpha1", Kind: "API",
		Metadata: catalog.Metadata{Name: "petstore", UID: "u1", Tags: []string{"x"}},
		Spec:     map[string]any{"type": "openapi", "lifecycle": "production"}}
	got := project(outEntity(e, nil), []string{"kind", "metadata.name", "spec.type", "metadata.nope", "spec.type.deeper"})
	b, _ := json.Marshal(got)
	want := `{"kind":"API","metadata":{"name":"petstore"},"spec":{"type":"openapi"}}`
	if string(b) != want {
		t.Errorf("project = %s, want %s", b, want)
	}
}

func TestNextEntitiesURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/catalog/entities?limit=5", "/entities?limit=5&after=eyJsaW1pdCI6NSwib2Zmc2V0Ijo1fQ%3D%3D"},
		{"/api/catalog/entities?offset=5&limit=5&filter=kind%3Dapi", "/entities?limit=5&filter=kind%3Dapi&after=eyJsaW1pdCI6NSwib2Zmc2V0Ijo1fQ%3D%3D"},
		{"/api/catalog/entities?after=old&limit=5", "/entities?after=eyJsaW1pdCI6NSwib2Zmc2V0Ijo1fQ%3D%3D&limit=5"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.in)
		got := nextEntitiesURL(u, encodeAfter(entitiesAfter{Limit: 5, Offset: 5}))
		if got != tt.want {
			t.Errorf("nextEntitiesURL(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
