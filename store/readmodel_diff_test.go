package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// TestReadModelDifferential stores a random catalog, then asks the SQL store and the read
// model built over it the same random questions (filters, full text, orders, offsets and
// keyset pages both ways, facets, refs) and wants the same answers; then again after writes
// through the model that it applies instead of rebuilding (entities added, changed and
// removed, a second location whose relations point into the first).
func TestReadModelDifferential(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testReadModelDifferential(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		storetest.RequirePostgres(t)
		testReadModelDifferential(t, storetest.Postgres(t))
	})
}

var (
	diffKinds      = []string{"Component", "API", "Resource", "Group", "System"}
	diffTypes      = []string{"service", "website", "library", "Database", "openapi", ""}
	diffLifecycles = []string{"production", "experimental", "deprecated"}
	diffTags       = []string{"java", "go", "Kafka", "payments", "web"}
	diffOwners     = []string{"group:default/team-a", "group:default/team-b", "group:default/missing", "user:default/alice"}
	diffVis        = []string{"", "public", "internal", "restricted", "bogus"}
)

// randomCatalog returns n random entities (and the refs they may use).
func randomCatalog(r *rand.Rand, n int) []catalog.Processed {
	var out []catalog.Processed
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	for _, g := range []string{"team-a", "team-b"} {
		out = append(out, storetest.Process(storetest.Entity("Group", g, storetest.Spec{"type": "team", "children": []any{}})))
	}
	out = append(out, storetest.Process(storetest.Entity("User", "alice", storetest.Spec{})))
	for i := range n {
		kind := pick(diffKinds)
		spec := storetest.Spec{"owner": pick(diffOwners)}
		if t := pick(diffTypes); t != "" {
			spec["type"] = t
		}
		if r.IntN(3) > 0 {
			spec["lifecycle"] = pick(diffLifecycles)
		}
		if r.IntN(4) == 0 {
			spec["dependsOn"] = []any{fmt.Sprintf("component:default/e-%03d", r.IntN(n))}
		}
		name := fmt.Sprintf("e-%03d", i)
		if r.IntN(5) == 0 {
			name = fmt.Sprintf("E-%03d", i) // names keep their case; refs are lowercased
		}
		e := storetest.Entity(kind, name, spec)
		if kind == "Group" {
			e.Spec = storetest.Spec{"type": "team", "children": []any{}}
		}
		if r.IntN(2) == 0 {
			e.Metadata.Title = fmt.Sprintf("Title %d %s", r.IntN(50), pick(diffTags))
		}
		for range r.IntN(3) {
			e.Metadata.Tags = append(e.Metadata.Tags, pick(diffTags))
		}
		e.Metadata.Tags = dedupe(e.Metadata.Tags)
		if v := pick(diffVis); v != "" {
			e.Metadata.Annotations = map[string]string{"nextportal.io/visibility": v}
			if v == "restricted" && r.IntN(2) == 0 {
				e.Metadata.Annotations["nextportal.io/visibility-groups"] = "team-b"
			}
		}
		out = append(out, storetest.Process(e))
	}
	return out
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// randomFilter returns a random filter tree of depth at most depth.
func randomFilter(r *rand.Rand, depth int) catalog.Filter {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	if depth == 0 || r.IntN(3) == 0 {
		switch r.IntN(7) {
		case 0:
			return catalog.Filter{Key: "kind", Values: []string{pick(diffKinds), pick(diffKinds)}}
		case 1:
			return catalog.Filter{Key: " Spec.Type ", Values: []string{pick(diffTypes) + " "}}
		case 2:
			return catalog.Filter{Key: "metadata.tags", Values: []string{pick(diffTags)}}
		case 3:
			return catalog.Filter{Key: "relations.ownedBy", Values: []string{pick(diffOwners)}}
		case 4:
			return catalog.Filter{Key: "relations.dependsOn"}
		case 5:
			return catalog.Filter{Key: "spec.lifecycle"}
		default:
			return catalog.Filter{Key: catalog.SearchKeyVisibility, Values: []string{pick(diffVis[1:])}}
		}
	}
	switch r.IntN(4) {
	case 0:
		return catalog.Filter{AllOf: []catalog.Filter{randomFilter(r, depth-1), randomFilter(r, depth-1)}}
	case 1:
		return catalog.Filter{AnyOf: []catalog.Filter{randomFilter(r, depth-1), randomFilter(r, depth-1), randomFilter(r, depth-1)}}
	case 2:
		f := randomFilter(r, depth-1)
		return catalog.Filter{Not: &f}
	default:
		return catalog.Filter{}
	}
}

func randomOrder(r *rand.Rand) []catalog.Order {
	fields := []string{"metadata.name", "spec.type", "metadata.title", "spec.lifecycle", "metadata.tags", "kind"}
	var out []catalog.Order
	for range r.IntN(3) {
		out = append(out, catalog.Order{Field: fields[r.IntN(len(fields))], Desc: r.IntN(2) == 0})
	}
	return out
}

func testReadModelDifferential(t *testing.T, db *store.DB) {
	ctx := t.Context()
	seedN := uint64(20261202)
	r := rand.New(rand.NewPCG(seedN, 1))
	loc, err := db.CreateLocation(ctx, "file", "/diff/catalog-info.yaml")
	if err != nil {
		t.Fatal(err)
	}
	first := randomCatalog(r, 150)
	if _, err := db.ReplaceLocationEntities(ctx, loc.ID, first); err != nil {
		t.Fatal(err)
	}
	m, err := catalog.NewReadModel(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	compareModel(t, r, db, m)

	// Through the model: a third of the entities gone, a third changed, new ones added.
	var next []catalog.Processed
	for i, p := range first {
		switch i % 3 {
		case 0:
			continue
		case 1:
			e := p.Entity
			e.Metadata.Title = fmt.Sprintf("Changed %d", i)
			p = storetest.Process(e)
		}
		next = append(next, p)
	}
	for _, p := range randomCatalog(r, 40)[3:] {
		e := p.Entity
		e.Metadata.Name = "new-" + e.Metadata.Name
		next = append(next, storetest.Process(e))
	}
	if res, err := m.ReplaceLocationEntities(ctx, loc.ID, next); err != nil || res.Added == 0 || res.Updated == 0 || res.Removed == 0 {
		t.Fatalf("ReplaceLocationEntities through the model = %+v, %v; want entities added, updated and removed", res, err)
	}
	if !m.Stats().Applied {
		t.Fatal("the model was rebuilt, not applied from the write")
	}
	compareModel(t, r, db, m)

	// A second location, whose entities own and depend on the first's.
	other, err := db.CreateLocation(ctx, "file", "/diff/other.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var second []catalog.Processed
	for i := range 30 {
		e := storetest.Entity("Component", fmt.Sprintf("o-%02d", i), storetest.Spec{
			"owner": "group:default/team-b", "type": "service",
			"dependsOn": []any{fmt.Sprintf("component:default/e-%03d", r.IntN(150))},
		})
		second = append(second, storetest.Process(e))
	}
	if _, err := m.ReplaceLocationEntities(ctx, other.ID, second); err != nil {
		t.Fatal(err)
	}
	if !m.Stats().Applied {
		t.Fatal("the second location's write was rebuilt, not applied")
	}
	compareModel(t, r, db, m)
}

// compareModel asks db and m the same random questions and wants the same answers.
func compareModel(t *testing.T, r *rand.Rand, db *store.DB, m *catalog.ReadModel) {
	t.Helper()
	ctx := t.Context()
	same := func(what string, want, got any, wantErr, gotErr error) {
		t.Helper()
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s: SQL error %v, model error %v", what, wantErr, gotErr)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s: model differs from SQL (-sql +model):\n%s", what, diff)
		}
	}
	nonEmpty := 0
	for i := range 300 {
		q := catalog.Query{Filter: randomFilter(r, 3), OrderBy: randomOrder(r), Limit: r.IntN(12)}
		if r.IntN(4) == 0 {
			q.Offset = r.IntN(10)
		}
		if r.IntN(5) == 0 {
			q.FullText = &catalog.FullText{Term: []string{"e-0", "title 1", "SERV", "100%", "kafka"}[r.IntN(5)]}
		}
		what := fmt.Sprintf("query %d %+v", i, q)
		want, wantErr := db.QueryEntities(ctx, q)
		got, gotErr := m.QueryEntities(ctx, q)
		same(what, want, got, wantErr, gotErr)
		if len(want.Entities) > 0 {
			nonEmpty++
		}
		// Page on from both ends of the page, both ways.
		for step := 0; step < 3 && len(want.Positions) > 0; step++ {
			next := q
			next.Offset = 0
			if r.IntN(2) == 0 {
				next.After, next.Before = &want.Positions[len(want.Positions)-1], nil
			} else {
				next.After, next.Before = nil, &want.Positions[0]
			}
			want, wantErr = db.QueryEntities(ctx, next)
			got, gotErr = m.QueryEntities(ctx, next)
			same(fmt.Sprintf("%s, page %d %+v/%+v", what, step, next.After, next.Before), want, got, wantErr, gotErr)
		}
		f := randomFilter(r, 2)
		facets := []string{"kind", "Spec.Type", "metadata.tags", "spec.lifecycle", catalog.SearchKeyVisibility}
		wf, wErr := db.Facets(ctx, f, facets)
		gf, gErr := m.Facets(ctx, f, facets)
		same(fmt.Sprintf("facets %d %+v", i, f), wf, gf, wErr, gErr)
		refs := []string{fmt.Sprintf("component:default/e-%03d", r.IntN(160)), "group:default/team-a", "Group:default/TEAM-B", "api:default/nope"}
		we, wErr := db.ExistingRefs(ctx, refs, f)
		ge, gErr := m.ExistingRefs(ctx, refs, f)
		same(fmt.Sprintf("existing refs %d %+v", i, f), we, ge, wErr, gErr)
		wr, wErr := db.EntitiesByRefs(ctx, refs, f)
		gr, gErr := m.EntitiesByRefs(ctx, refs, f)
		same(fmt.Sprintf("entities by refs %d %+v", i, f), wr, gr, wErr, gErr)
	}
	if nonEmpty < 100 {
		t.Errorf("only %d of 300 random queries found entities: the comparison proves little", nonEmpty)
	}
	for _, typ := range []string{"ownedBy", "OWNEROF", "dependsOn", "dependencyOf", "nope"} {
		want, wantErr := db.RelationTargets(ctx, typ)
		got, gotErr := m.RelationTargets(ctx, typ)
		same("relation targets "+typ, want, got, wantErr, gotErr)
	}
}
