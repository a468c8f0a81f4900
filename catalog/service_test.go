package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// newTestService returns a Service over a real store whose only root is a fresh temp dir.
func newTestService(t *testing.T) (*catalog.Service, string) {
	t.Helper()
	root := t.TempDir()
	return catalog.NewService(storetest.New(t), []string{root}), root
}

// systemContext returns the test's context acting as the portal itself, which sees every
// entity: for tests that are not about visibility.
func systemContext(t *testing.T) context.Context {
	return auth.NewContext(t.Context(), auth.System())
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func componentYAML(name, owner string, extra ...string) string {
	return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
		"\nspec:\n  type: service\n  lifecycle: production\n  owner: " + owner + "\n" + strings.Join(extra, "")
}

const teamA = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n"

// listing returns every stored entity as "ref etag", sorted, to compare a catalog before and
// after an operation.
func listing(t *testing.T, svc *catalog.Service) []string {
	t.Helper()
	page, err := svc.Query(systemContext(t), catalog.Query{OrderBy: []catalog.Order{{Field: "metadata.name"}}})
	if err != nil {
		t.Fatalf("Query() error = %v", err)
	}
	var out []string
	for _, e := range page.Entities {
		out = append(out, e.Ref().String()+" "+e.Metadata.Etag)
	}
	return out
}

func mustRef(t *testing.T, s string) catalog.Ref {
	t.Helper()
	r, err := catalog.ParseRef(s, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRegisterLocation(t *testing.T) {
	svc, root := newTestService(t)
	ctx := systemContext(t)
	file := filepath.Join(root, "catalog-info.yaml")
	writeFile(t, file, componentYAML("svc", "team-a", "")+"---\n"+teamA)

	loc, err := svc.RegisterLocation(ctx, "file", file)
	if err != nil {
		t.Fatalf("RegisterLocation() error = %v", err)
	}
	if loc.ID == "" || loc.Type != "file" || loc.Target != file {
		t.Errorf("RegisterLocation() = %+v, want an id and file:%s", loc, file)
	}
	// The location's two entities and its generated Location entity.
	if got := listing(t, svc); len(got) != 3 {
		t.Errorf("stored %v, want 3 entities", got)
	}
	if _, err := svc.RegisterLocation(ctx, "file", file); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("registering twice: error = %v, want ErrConflict", err)
	}
	writeFile(t, filepath.Join(root, "bad.yaml"), "kind: Component\nmetadata: {name: Bad Name!}\n")
	if _, err := svc.RegisterLocation(ctx, "file", filepath.Join(root, "bad.yaml")); err == nil {
		t.Error("RegisterLocation(invalid file) error = nil")
	}
	if got := listing(t, svc); len(got) != 3 {
		t.Errorf("after an invalid file: stored %v, want the same 3 entities", got)
	}
}

func TestAddLocationAndRead(t *testing.T) {
	svc, root := newTestService(t)
	ctx := systemContext(t)
	file := filepath.Join(root, "catalog-info.yaml")
	writeFile(t, file, componentYAML("svc", "team-a", "  dependsOn: [resource:missing-db]\n")+"---\n"+teamA)

	dry, err := svc.AddLocation(ctx, "file", file, true)
	if err != nil {
		t.Fatalf("AddLocation(dry run) error = %v", err)
	}
	if len(dry.Entities) != 3 || dry.ExistingLocation != nil {
		t.Errorf("dry run = %d entities, existing %v; want 3 and nil", len(dry.Entities), dry.ExistingLocation)
	}
	if got := listing(t, svc); len(got) != 0 {
		t.Fatalf("dry run stored %v", got)
	}

	res, err := svc.AddLocation(ctx, "file", file, false)
	if err != nil {
		t.Fatalf("AddLocation() error = %v", err)
	}
	if res.Location.ID == "" || res.Location.Target != file || len(res.Entities) != 3 {
		t.Fatalf("AddLocation() = %+v", res)
	}
	for _, e := range res.Entities {
		if e.Metadata.UID == "" {
			t.Errorf("entity %s returned without uid", e.Ref())
		}
	}
	if _, err := svc.AddLocation(ctx, "file", file, false); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("registering twice: error = %v, want ErrConflict", err)
	}
	dry, err = svc.AddLocation(ctx, "file", file, true)
	if err != nil || dry.ExistingLocation == nil || dry.ExistingLocation.ID != res.Location.ID {
		t.Errorf("dry run of a registered location = %+v, %v; want ExistingLocation set", dry.ExistingLocation, err)
	}

	e, err := svc.EntityByRef(ctx, mustRef(t, "component:default/svc"))
	if err != nil {
		t.Fatalf("EntityByRef() error = %v", err)
	}
	if e.Metadata.Annotations[catalog.AnnotationManagedByLocation] != "file:"+file {
		t.Errorf("annotations = %v", e.Metadata.Annotations)
	}
	if e.Status == nil || len(e.Status.Items) != 1 || e.Status.Items[0].Type != catalog.StatusUnresolvedRelation ||
		e.Status.Items[0].Level != "warning" || !strings.Contains(e.Status.Items[0].Message, "resource:default/missing-db") {
		t.Errorf("status = %+v, want one unresolved-relation warning naming resource:default/missing-db", e.Status)
	}
	byUID, err := svc.EntityByUID(ctx, e.Metadata.UID)
	if err != nil || byUID.Ref() != e.Ref() || byUID.Status == nil {
		t.Errorf("EntityByUID() = %v, %v", byUID.Ref(), err)
	}
	group, err := svc.EntityByRef(ctx, mustRef(t, "group:team-a"))
	if err != nil || group.Status != nil {
		t.Errorf("group: status %+v, error %v; want no status", group.Status, err)
	}
	if _, err := svc.EntityByRef(ctx, mustRef(t, "component:nope")); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("EntityByRef(missing) error = %v, want ErrNotFound", err)
	}

	got, err := svc.EntitiesByRefs(ctx, []string{"component:default/svc", "not a ref:/", "group:team-a", "component:nope"}, catalog.Filter{})
	if err != nil {
		t.Fatalf("EntitiesByRefs() error = %v", err)
	}
	if len(got) != 4 || got[0] == nil || got[1] != nil || got[2] == nil || got[3] != nil || got[0].Status == nil {
		t.Errorf("EntitiesByRefs() = %v", got)
	}

	page, err := svc.Query(ctx, catalog.Query{Filter: catalog.Filter{Key: "kind", Values: []string{"component"}}})
	if err != nil || len(page.Entities) != 1 || page.Entities[0].Status == nil {
		t.Errorf("Query(kind=component) = %+v, %v", page, err)
	}
	facets, err := svc.Facets(ctx, catalog.Filter{}, []string{"kind"})
	if err != nil || len(facets["kind"]) != 3 {
		t.Errorf("Facets(kind) = %v, %v", facets, err)
	}

	loc, err := svc.LocationOfEntity(ctx, mustRef(t, "component:svc"))
	if err != nil || loc.ID != res.Location.ID {
		t.Errorf("LocationOfEntity() = %+v, %v", loc, err)
	}
	anc, err := svc.Ancestry(ctx, mustRef(t, "component:svc"))
	if err != nil {
		t.Fatalf("Ancestry() error = %v", err)
	}
	rootRef := catalog.LocationEntityRef("file", file)
	if anc.RootEntityRef != "component:default/svc" || len(anc.Items) != 2 ||
		anc.Items[0].ParentEntityRefs[0] != rootRef || anc.Items[1].Entity.Ref().String() != rootRef || len(anc.Items[1].ParentEntityRefs) != 0 {
		t.Errorf("Ancestry() = %+v", anc)
	}

	if err := svc.DeleteEntity(ctx, e.Metadata.UID); err != nil {
		t.Fatalf("DeleteEntity() error = %v", err)
	}
	if err := svc.Refresh(ctx, mustRef(t, "group:team-a")); err != nil {
		t.Fatalf("Refresh() error = %v", err)
	}
	if _, err := svc.EntityByRef(ctx, mustRef(t, "component:svc")); err != nil {
		t.Errorf("deleted entity did not come back on refresh: %v", err)
	}

	if err := svc.DeleteLocation(ctx, res.Location.ID); err != nil {
		t.Fatalf("DeleteLocation() error = %v", err)
	}
	if got := listing(t, svc); len(got) != 0 {
		t.Errorf("after DeleteLocation the catalog holds %v", got)
	}
}

func TestAddLocationRefusesBadInput(t *testing.T) {
	svc, root := newTestService(t)
	ctx := systemContext(t)
	good := filepath.Join(root, "good", "catalog-info.yaml")
	writeFile(t, good, componentYAML("keep", "team-a"))
	if _, _, err := svc.Import(ctx, good); err != nil {
		t.Fatal(err)
	}
	before := listing(t, svc)
	outside := filepath.Join(t.TempDir(), "catalog-info.yaml")
	writeFile(t, outside, componentYAML("evil", "team-a"))
	bad := filepath.Join(root, "bad.yaml")
	writeFile(t, bad, componentYAML("fine", "team-a")+"---\n"+strings.Replace(componentYAML("no-owner", "x"), "  owner: x\n", "", 1)+"---\n"+componentYAML("Bad Name", "x"))

	tests := []struct {
		name, typ, target string
		want              error
		msg               string
	}{
		{"url type", "url", "https://example.com/catalog-info.yaml", catalog.ErrInvalid, "unsupported location type"},
		{"relative target", "file", "catalog-info.yaml", catalog.ErrInvalid, "absolute path"},
		{"outside roots", "file", outside, catalog.ErrForbidden, "outside the allowed roots " + root},
		{"missing file", "file", filepath.Join(root, "nope.yaml"), catalog.ErrInvalid, "does not exist"},
		{"invalid entities", "file", bad, catalog.ErrInvalid, "bad.yaml:14: component:default/no-owner: spec.owner is required; "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.AddLocation(ctx, tt.typ, tt.target, false)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("AddLocation(%s, %s) error = %v, want %v containing %q", tt.typ, tt.target, err, tt.want, tt.msg)
			}
			if got := listing(t, svc); strings.Join(got, "\n") != strings.Join(before, "\n") {
				t.Errorf("catalog changed:\nbefore %v\nafter  %v", before, got)
			}
			locs, err := svc.Locations(ctx)
			if err != nil || len(locs) != 1 {
				t.Errorf("Locations() = %v, %v; want only the good one", locs, err)
			}
		})
	}
	_, err := svc.AddLocation(ctx, "file", bad, false)
	var ve *catalog.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("AddLocation(bad) error = %v, want a ValidationError with both problems", err)
	}
	if p := ve.Problems[1]; p.File != bad || p.Line != 21 || p.Field != "metadata.name" || p.Entity != "component:default/bad name" {
		t.Errorf("second problem = %+v", p)
	}
}

func TestRefreshAppliesEditsAndKeepsCatalogOnBrokenFile(t *testing.T) {
	svc, root := newTestService(t)
	ctx := systemContext(t)
	file := filepath.Join(root, "repo", "catalog-info.yaml")
	writeFile(t, file, componentYAML("a", "team-a")+"---\n"+componentYAML("b", "team-a")+"---\n"+teamA)
	res, applied, err := svc.Import(ctx, filepath.Join(root, "repo"))
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if applied.Added != 4 { // 3 entities and the generated root Location
		t.Errorf("Import() added %d, want 4", applied.Added)
	}
	_, applied, err = svc.Import(ctx, filepath.Join(root, "repo"))
	if err != nil || applied.Unchanged != 4 || applied.Added+applied.Updated+applied.Removed != 0 {
		t.Errorf("second Import() = %+v, %v; want 4 unchanged", applied, err)
	}

	writeFile(t, file, componentYAML("a", "team-b")+"---\n"+componentYAML("c", "team-a")+"---\n"+teamA)
	applied, err = svc.RefreshLocation(ctx, res.Location.ID)
	if err != nil {
		t.Fatalf("RefreshLocation() error = %v", err)
	}
	if applied.Added != 1 || applied.Updated != 1 || applied.Removed != 1 || applied.Unchanged != 2 {
		t.Errorf("RefreshLocation() = %+v, want 1 added, 1 updated, 1 removed, 2 unchanged", applied)
	}
	a, err := svc.EntityByRef(ctx, mustRef(t, "component:a"))
	if err != nil || a.Spec["owner"] != "team-b" || a.Metadata.Generation != 2 {
		t.Errorf("edited entity = %v (generation %d), %v", a.Spec, a.Metadata.Generation, err)
	}
	if _, err := svc.EntityByRef(ctx, mustRef(t, "component:b")); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("removed entity still there: %v", err)
	}
	team, _ := svc.EntityByRef(ctx, mustRef(t, "group:team-a"))
	var owns []string
	for _, r := range team.Relations {
		owns = append(owns, r.Type+" "+r.TargetRef)
	}
	if strings.Join(owns, ",") != "ownerOf component:default/c" {
		t.Errorf("team-a relations = %v, want only ownerOf component:default/c", owns)
	}

	before := listing(t, svc)
	for _, broken := range []string{
		"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a: b\n",
		componentYAML("a", "team-a") + "---\n" + strings.Replace(componentYAML("c", "x"), "  owner: x\n", "", 1),
	} {
		writeFile(t, file, broken)
		_, err := svc.RefreshLocation(ctx, res.Location.ID)
		var ve *catalog.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("RefreshLocation(broken) error = %v, want a ValidationError", err)
		}
		if err := svc.RefreshAll(ctx); !errors.As(err, &ve) {
			t.Errorf("RefreshAll(broken) error = %v, want a ValidationError", err)
		}
		if got := listing(t, svc); strings.Join(got, "\n") != strings.Join(before, "\n") {
			t.Errorf("broken file changed the catalog:\nbefore %v\nafter  %v", before, got)
		}
	}

	os.Remove(file)
	if _, err := svc.RefreshLocation(ctx, res.Location.ID); !errors.Is(err, catalog.ErrInvalid) {
		t.Errorf("RefreshLocation(no files) error = %v, want ErrInvalid", err)
	}
	if got := listing(t, svc); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("an emptied directory changed the catalog")
	}
}

func TestAnalyzeLocation(t *testing.T) {
	svc, root := newTestService(t)
	ctx := systemContext(t)
	registered := filepath.Join(root, "a", "catalog-info.yaml")
	writeFile(t, registered, componentYAML("a", "team-a"))
	if _, _, err := svc.Import(ctx, registered); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "b", "catalog-info.yaml"), componentYAML("b", "team-a"))
	an, err := svc.AnalyzeLocation(ctx, "file", root)
	if err != nil {
		t.Fatalf("AnalyzeLocation() error = %v", err)
	}
	got := map[string]bool{}
	for _, f := range an.ExistingEntityFiles {
		got[f.Entity.Metadata.Name+" "+f.Location.Target] = f.IsRegistered
	}
	want := map[string]bool{"a " + registered: true, "b " + filepath.Join(root, "b", "catalog-info.yaml"): false}
	if len(got) != 2 || got["a "+registered] != true || got["b "+filepath.Join(root, "b", "catalog-info.yaml")] != false {
		t.Errorf("AnalyzeLocation() = %v, want %v", got, want)
	}
	if locs, _ := svc.Locations(ctx); len(locs) != 1 {
		t.Errorf("AnalyzeLocation registered something: %v", locs)
	}
}

// TestAddLocationMalformedLaterBatch: a file whose YAML breaks after several batches of
// valid documents (parsed ahead of their validation) is reported with the line that broke,
// and nothing of it is stored: no entity, no location.
func TestAddLocationMalformedLaterBatch(t *testing.T) {
	for _, at := range []int{300, 599} { // in the second batch of 256 documents; in the last
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			svc, root := newTestService(t)
			ctx := systemContext(t)
			docs := []string{teamA}
			for i := range 600 {
				doc := componentYAML(fmt.Sprintf("c-%03d", i), "team-a")
				if i == at {
					doc = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a: b\n"
				}
				docs = append(docs, doc)
			}
			path := filepath.Join(root, "big.yaml")
			writeFile(t, path, strings.Join(docs, "---\n"))
			_, err := svc.AddLocation(ctx, "file", path, false)
			var ve *catalog.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 || !strings.Contains(ve.Problems[0].Message, "malformed YAML") {
				t.Fatalf("AddLocation() error = %v, want a ValidationError with the malformed YAML", err)
			}
			if got := listing(t, svc); len(got) != 0 {
				t.Errorf("stored %d entities of a malformed file, want none", len(got))
			}
			if locs, err := svc.Locations(ctx); err != nil || len(locs) != 0 {
				t.Errorf("Locations() = %v, %v; want none", locs, err)
			}
		})
	}
}
