// Command gencatalog writes a synthetic catalog of N entities (groups, users, domains,
// systems, components, APIs and resources in Backstage YAML) for load runs and benchmarks:
//
//	go run ./scripts/gencatalog -n 10000 -out /tmp/catalog
//
// It writes one multi-document catalog-info.yaml per 500 entities plus a Location file
// (OUT/catalog-info.yaml) that targets them. The output is deterministic for a given -n.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func main() {
	n := flag.Int("n", 10000, "number of entities to write")
	out := flag.String("out", "", "output directory (required)")
	flag.Parse()
	if *out == "" || *n < 10 {
		fmt.Fprintln(os.Stderr, "gencatalog: -out is required and -n must be at least 10")
		os.Exit(2)
	}
	if err := write(*out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

var (
	words      = []string{"payments", "orders", "search", "ledger", "checkout", "billing", "routing", "inventory", "fraud", "auth", "geo", "ads", "shipping", "pricing", "catalog", "reviews"}
	suffixes   = []string{"api", "service", "worker", "gateway", "exporter", "backend", "consumer", "web"}
	types      = []string{"service", "website", "library"}
	lifecycles = []string{"production", "experimental", "deprecated"}
	langs      = []string{"go", "java", "python", "typescript", "rust"}
)

// write emits the entities in the proportions of a real catalog (about 60% components).
func write(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, uint64(n)))
	groups := max(n/50, 2)
	users := max(n/25, 2)
	domains := max(n/200, 1)
	systems := max(n/33, 1)
	apis := n / 5
	resources := n / 22
	components := n - groups - users - domains - systems - apis - resources

	var docs []string
	add := func(s string) { docs = append(docs, s) }
	for i := range groups {
		add(fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-%05d\n  description: Team %d\nspec:\n  type: team\n  children: []\n", i, i))
	}
	for i := range users {
		add(fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: user-%05d\nspec:\n  profile:\n    email: user-%05d@example.com\n  memberOf: [team-%05d]\n", i, i, r.IntN(groups)))
	}
	for i := range domains {
		add(fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: domain-%05d\nspec:\n  owner: team-%05d\n", i, r.IntN(groups)))
	}
	for i := range systems {
		add(fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: system-%05d\nspec:\n  owner: team-%05d\n  domain: domain-%05d\n", i, r.IntN(groups), r.IntN(domains)))
	}
	for i := range apis {
		add(fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: api-%05d\n  description: %s API\nspec:\n  type: openapi\n  lifecycle: %s\n  owner: team-%05d\n  system: system-%05d\n  definition: \"openapi: 3.0.0\"\n",
			i, words[r.IntN(len(words))], lifecycles[r.IntN(3)], r.IntN(groups), r.IntN(systems)))
	}
	for i := range resources {
		add(fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db-%05d\nspec:\n  type: database\n  owner: team-%05d\n  system: system-%05d\n", i, r.IntN(groups), r.IntN(systems)))
	}
	for i := range components {
		w, s := words[r.IntN(len(words))], suffixes[r.IntN(len(suffixes))]
		doc := fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: %s-%s-%05d\n  description: %s %s owned by a generated team\n  tags: [%s]\nspec:\n  type: %s\n  lifecycle: %s\n  owner: team-%05d\n  system: system-%05d\n",
			w, s, i, w, s, langs[r.IntN(len(langs))], types[r.IntN(3)], lifecycles[r.IntN(3)], r.IntN(groups), r.IntN(systems))
		if apis > 0 {
			doc += fmt.Sprintf("  providesApis: [api-%05d]\n", r.IntN(apis))
		}
		if resources > 0 {
			doc += fmt.Sprintf("  dependsOn: [resource:db-%05d]\n", r.IntN(resources))
		}
		add(doc)
	}

	var files []string
	for start := 0; start < len(docs); start += 500 {
		name := fmt.Sprintf("entities-%03d.yaml", start/500)
		files = append(files, name)
		if err := writeDocs(filepath.Join(dir, name), docs[start:min(start+500, len(docs))]); err != nil {
			return err
		}
	}
	loc := fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: generated-%d\nspec:\n  targets:\n", n)
	for _, f := range files {
		loc += "    - ./" + f + "\n"
	}
	return os.WriteFile(filepath.Join(dir, "catalog-info.yaml"), []byte(loc), 0o644)
}

func writeDocs(path string, docs []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i, d := range docs {
		if i > 0 {
			w.WriteString("---\n")
		}
		w.WriteString(d)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
