package catalog

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

func TestInternEntityKeepsContents(t *testing.T) {
	tests := []struct {
		name string
		e    Entity
	}{
		{"empty", Entity{}},
		{"nil and empty maps and slices", Entity{
			Kind:     "Component",
			Metadata: Metadata{Name: "a", Labels: map[string]string{}, Tags: []string{}, Links: []Link{}},
			Spec:     map[string]any{},
			Status:   &Status{},
		}},
		{"full", Entity{
			APIVersion: "backstage.io/v1alpha1",
			Kind:       "Component",
			Metadata: Metadata{
				UID: "u1", Etag: "e1", Generation: 3, Name: "svc", Namespace: "default", Title: "Svc",
				Description: "A service", Labels: map[string]string{"tier": "1"},
				Annotations: map[string]string{"backstage.io/managed-by-location": "file:/x.yaml"},
				Tags:        []string{"go", "svc"},
				Links:       []Link{{URL: "https://x", Title: "X", Icon: "docs", Type: "doc"}},
			},
			Spec: map[string]any{
				"type": "service", "owner": "group:default/team", "replicas": 3.0, "public": true,
				"dependsOn": []any{"component:default/db", "component:default/db"},
				"empty":     []any{}, "none": nil,
				"profile": map[string]any{"email": "a@b", "nested": map[string]any{"n": []any{1.5, "x"}}},
			},
			Relations: []Relation{{Type: "ownedBy", TargetRef: "group:default/team"}},
			Status:    &Status{Items: []StatusItem{{Type: "t", Level: "warning", Message: "m"}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := internEntity(tt.e, newInterner())
			if !reflect.DeepEqual(got, tt.e) {
				t.Fatalf("internEntity changed the entity:\n got %#v\nwant %#v", got, tt.e)
			}
			gotJSON, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			wantJSON, err := json.Marshal(tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if string(gotJSON) != string(wantJSON) {
				t.Fatalf("JSON differs:\n got %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
}

// Readers of an older model may be reading an entity while a newer model interns it, so
// interning must build new maps and slices instead of writing to the entity's.
func TestInternEntityLeavesInputAlone(t *testing.T) {
	e := Entity{
		Metadata: Metadata{Labels: map[string]string{"a": "b"}, Tags: []string{"t"}},
		Spec:     map[string]any{"list": []any{"x"}},
	}
	got := internEntity(e, newInterner())
	got.Metadata.Labels["a"] = "changed"
	got.Metadata.Tags[0] = "changed"
	got.Spec["list"].([]any)[0] = "changed"
	if e.Metadata.Labels["a"] != "b" || e.Metadata.Tags[0] != "t" || e.Spec["list"].([]any)[0] != "x" {
		t.Fatalf("interning wrote to the input entity: %#v", e)
	}
}

func TestInternerIDs(t *testing.T) {
	in := newInterner()
	a, b, empty := in.id("a"), in.id("b"), in.id("")
	if a == 0 || b == 0 || empty == 0 {
		t.Fatalf("id 0 is for no string, got ids %d, %d, %d", a, b, empty)
	}
	if in.id("a") != a || a == b || empty == a {
		t.Fatalf("ids not one per distinct string: a=%d b=%d empty=%d, a again=%d", a, b, empty, in.id("a"))
	}
	if in.ptrID(nil) != 0 || in.strs[in.ptrID(new(string))] != "" {
		t.Fatalf("nil and empty strings mixed up")
	}
	long := string(make([]byte, internChunk+1))
	if got := in.str(long); got != long || in.str("after") != "after" || in.strs[a] != "a" {
		t.Fatalf("a string longer than a chunk broke interning")
	}
}

func TestSlabMake(t *testing.T) {
	var s slab[string]
	if got := s.make(0); got == nil || len(got) != 0 {
		t.Fatalf("make(0) = %#v, want an empty non-nil slice", got)
	}
	a, b := s.make(2), s.make(1)
	b[0] = "b"
	a = append(a, "appended")
	if b[0] != "b" || len(a) != 3 {
		t.Fatalf("appending to one slice wrote over the next: a=%q b=%q", a, b)
	}
	if big := s.make(slabLen + 1); len(big) != slabLen+1 {
		t.Fatalf("make(%d) has length %d", slabLen+1, len(big))
	}
}

func TestPostingsBuild(t *testing.T) {
	b := postingsBuilder{dedupe: true}
	for _, p := range []struct {
		k uint64
		i int32
	}{{1, 0}, {1, 0}, {2, 0}, {1, 3}, {2, 5}, {1, 7}} {
		b.add(p.k, p.i)
	}
	p := b.build()
	for _, tt := range []struct {
		k    uint64
		want []int32
	}{{1, []int32{0, 3, 7}}, {2, []int32{0, 5}}, {3, nil}} {
		got := p.get(tt.k)
		if !slices.Equal(got, tt.want) {
			t.Errorf("get(%d) = %v, want %v", tt.k, got, tt.want)
		}
		if cap(got) != len(got) {
			t.Errorf("get(%d) has room to append over the next list", tt.k)
		}
	}
}

// A model derives every entity's Relations from the stored relation rows, whatever the
// snapshot's entity carries.
func TestBuildModelDerivesRelations(t *testing.T) {
	a := Entity{Kind: "Component", Metadata: Metadata{UID: "1", Name: "a"},
		Relations: []Relation{{Type: "stale", TargetRef: "component:default/gone"}}}
	b := Entity{Kind: "Component", Metadata: Metadata{UID: "2", Name: "b"}}
	c := Entity{Kind: "Component", Metadata: Metadata{UID: "3", Name: "c"}, Relations: a.Relations}
	rows := []RelationRow{
		{Source: "component:default/a", Type: "ownedBy", Target: "group:default/Team"},
		{Source: "group:default/Team", Type: "ownerOf", Target: "component:default/a"},
		{Source: "component:default/a", Type: "dependsOn", Target: "component:default/b"},
	}
	md := buildModel(Snapshot{Entities: []SnapshotEntity{
		{Entity: a, Ref: "component:default/a", Originated: append(rows, rows[0])},
		{Entity: b, Ref: "component:default/b", Originated: []RelationRow{{Source: "component:default/b", Type: "dependencyOf", Target: "component:default/a"}}},
		{Entity: c, Ref: "component:default/c"},
	}})
	want := []Relation{{Type: "dependsOn", TargetRef: "component:default/b"}, {Type: "ownedBy", TargetRef: "group:default/Team"}}
	if got := md.ents[0].e.Relations; !reflect.DeepEqual(got, want) {
		t.Errorf("relations of a = %v, want %v", got, want)
	}
	if got := md.ents[2].e.Relations; got != nil {
		t.Errorf("relations of c = %v, want none", got)
	}
	if got := md.relTargets["ownedby"]; !slices.Equal(got, []string{"group:default/team"}) {
		t.Errorf("ownedBy targets = %v", got)
	}
	if got := md.relTargets["ownerof"]; !slices.Equal(got, []string{"component:default/a"}) {
		t.Errorf("ownerOf targets = %v", got)
	}
	if got := md.relTo.get(pair(md.ids["dependencyof"], md.ids["component:default/a"])); !slices.Equal(got, []int32{1}) {
		t.Errorf("entities with dependencyOf a = %v, want [1]", got)
	}
	if got := md.leaf("relations.DependsOn", []string{" component:default/B"}); got.count() != 1 || !got.has(0) {
		t.Errorf("relations.dependsOn filter matched %v", got)
	}
}
