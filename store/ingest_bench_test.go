package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkAddLocation10k ingests one file of 10,000 entities the way POST
// /api/catalog/locations does (RegisterLocation): read and validate the YAML and write it
// to an empty database through the read model, which follows the write. Set
// INGEST_YAML to a file (e.g. one made by ../shared/peers/gen-entities.py) to ingest that
// instead of the generated catalog.
func BenchmarkAddLocation10k(b *testing.B) {
	ctx := auth.NewContext(b.Context(), auth.System())
	dir, file := benchCatalogFile(b)
	for _, e := range storetest.Engines {
		b.Run(e.Name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := e.Open(b)
				m, err := catalog.NewReadModel(b.Context(), db)
				if err != nil {
					b.Fatal(err)
				}
				svc := catalog.NewService(m, []string{dir})
				b.StartTimer()
				if _, err := svc.RegisterLocation(ctx, "file", file); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				page, err := svc.Query(ctx, catalog.Query{Limit: 1})
				if err != nil {
					b.Fatal(err)
				}
				if page.Total < benchEntities {
					b.Fatalf("stored %d entities, want at least %d", page.Total, benchEntities)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkReimportLocation10k refreshes a registered location of 10,000 entities through
// the read model, as the periodic refresh and `catalog import` do, with the description of
// every Component changed (most entities updated, alternating between two versions of the
// file): the store's updates and the model following them; apply-ms is how long the last
// update of the model took.
func BenchmarkReimportLocation10k(b *testing.B) {
	ctx := auth.NewContext(b.Context(), auth.System())
	dir := b.TempDir()
	file := filepath.Join(dir, "entities.yaml")
	versions := []string{benchYAML(benchEntities), strings.ReplaceAll(benchYAML(benchEntities), "Component number", "Component no.")}
	for _, e := range storetest.Engines {
		b.Run(e.Name, func(b *testing.B) {
			db := e.Open(b)
			m, err := catalog.NewReadModel(b.Context(), db)
			if err != nil {
				b.Fatal(err)
			}
			svc := catalog.NewService(m, []string{dir})
			if err := os.WriteFile(file, []byte(versions[0]), 0o600); err != nil {
				b.Fatal(err)
			}
			if _, _, err := svc.Import(ctx, file); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				if err := os.WriteFile(file, []byte(versions[i%2]), 0o600); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				_, applied, err := svc.Import(ctx, file)
				if err != nil {
					b.Fatal(err)
				}
				if applied.Updated < benchEntities/2 {
					b.Fatalf("updated %d entities, want most of %d", applied.Updated, benchEntities)
				}
			}
			if st := m.Stats(); st.Applied {
				b.ReportMetric(float64(st.BuildTime.Microseconds())/1000, "apply-ms")
			}
		})
	}
}

// benchYAML renders n entities like seedBenchN's as one multi-document YAML file.
func benchYAML(n int) string {
	types := []string{"service", "website", "library", "job"}
	lifecycles := []string{"production", "experimental", "deprecated"}
	var b strings.Builder
	for i := range n {
		b.WriteString("---\napiVersion: backstage.io/v1alpha1\n")
		switch {
		case i < 100:
			fmt.Fprintf(&b, "kind: Group\nmetadata:\n  name: team-%03d\nspec:\n  type: team\n  children: []\n", i)
		case i%5 == 0:
			fmt.Fprintf(&b, "kind: API\nmetadata:\n  name: api-%05d\nspec:\n  type: openapi\n  lifecycle: %s\n  owner: group:default/team-%03d\n  definition: |\n    openapi: 3.0.0\n",
				i, lifecycles[i%3], i%100)
		default:
			fmt.Fprintf(&b, "kind: Component\nmetadata:\n  name: component-%05d\n  description: Component number %d of the benchmark catalog\n  tags: [%s, tag-%d]\n"+
				"spec:\n  type: %s\n  lifecycle: %s\n  owner: group:default/team-%03d\n  dependsOn: [component:default/component-%05d]\n",
				i, i, types[i%4], i%17, types[i%4], lifecycles[i%3], i%100, (i*7)%n)
		}
	}
	return b.String()
}

// benchCatalogFile writes the benchmarks' catalog into a fresh folder and returns the folder
// and the file: the file INGEST_YAML names when it is set, else benchEntities generated ones.
func benchCatalogFile(b *testing.B) (dir, file string) {
	b.Helper()
	dir = b.TempDir()
	file = filepath.Join(dir, "entities.yaml")
	data := []byte(benchYAML(benchEntities))
	if src := os.Getenv("INGEST_YAML"); src != "" {
		var err error
		if data, err = os.ReadFile(src); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return dir, file
}
