package store

import (
	"testing"

	"github.com/nextportal/portal/catalog"
)

// TestBodyOfProcessed: the body Process encodes once (for the hash and the search rows) is
// byte for byte the body the store would encode, whatever store-assigned or computed
// fields the entity came with.
func TestBodyOfProcessed(t *testing.T) {
	tests := []struct {
		name string
		e    catalog.Entity
	}{
		{"plain", catalog.Entity{APIVersion: "backstage.io/v1alpha1", Kind: "Component",
			Metadata: catalog.Metadata{Name: "a", Namespace: "default"},
			Spec:     map[string]any{"type": "service", "owner": "team-a", "lifecycle": "production"}}},
		{"everything", catalog.Entity{APIVersion: "backstage.io/v1alpha1", Kind: "API",
			Metadata: catalog.Metadata{UID: "u-1", Etag: "e-1", Generation: 7, Name: "b", Namespace: "ns",
				Title: "B <&> \u2028", Description: "d", Labels: map[string]string{"z": "1", "a": "2"},
				Annotations: map[string]string{"backstage.io/managed-by-location": "file:/x.yaml"},
				Tags:        []string{"go", "grpc"}, Links: []catalog.Link{{URL: "https://x", Title: "X"}}},
			Spec:      map[string]any{"type": "grpc", "owner": "group:ns/team-b", "lifecycle": "beta", "definition": "syntax = \"proto3\";", "n": 1.5, "list": []any{"x", 2.0, true, nil}},
			Relations: []catalog.Relation{{Type: "ownedBy", TargetRef: "group:ns/team-b"}},
			Status:    &catalog.Status{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := catalog.Process(tt.e, "")
			if err != nil {
				t.Fatal(err)
			}
			if p.Body == "" {
				t.Fatal("Process left Body empty")
			}
			want, err := encodeBody(p.Entity)
			if err != nil {
				t.Fatal(err)
			}
			got, err := bodyOf(&p)
			if err != nil || got != want {
				t.Fatalf("bodyOf = %s, %v\nencodeBody = %s", got, err, want)
			}
		})
	}
}
