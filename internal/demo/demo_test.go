package demo_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store/storetest"
)

// newTestOrg extracts the demo organisation into a temporary directory and returns that
// directory and the path of the root catalog-info.yaml.
func newTestOrg(t *testing.T) (dir, root string) {
	t.Helper()
	dir = t.TempDir()
	root, err := demo.Extract(dir)
	if err != nil {
		t.Fatalf("Extract(%q): %v", dir, err)
	}
	return dir, root
}

func TestYAMLParses(t *testing.T) {
	dir, _ := newTestOrg(t)
	files := 0
	walkFiles(t, dir, ".yaml", func(path string, data []byte) {
		files++
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		for i := 0; ; i++ {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: document %d: %v", path, i, err)
				break
			}
			if filepath.Base(path) == "catalog-info.yaml" && doc["apiVersion"] != "backstage.io/v1alpha1" {
				t.Errorf("%s: document %d: apiVersion = %v, want backstage.io/v1alpha1", path, i, doc["apiVersion"])
			}
		}
	})
	if files < 30 {
		t.Errorf("found %d YAML files, want at least 30", files)
	}
}

var (
	mdLink  = regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	wordsRe = regexp.MustCompile(`\S+`)
)

func TestDocs(t *testing.T) {
	dir, _ := newTestOrg(t)
	count := 0
	walkFiles(t, dir, ".md", func(path string, data []byte) {
		count++
		text := string(data)
		// A postmortem opens with YAML front matter (id, date, severity, services), and the
		// folder's README is a short index of them; postmortems are shorter than guides.
		postmortem := filepath.Base(filepath.Dir(path)) == "postmortems"
		if rest, ok := strings.CutPrefix(text, "---\n"); ok && postmortem {
			if _, body, ok := strings.Cut(rest, "\n---\n"); ok {
				text = body
			}
		}
		index := postmortem && filepath.Base(path) == "README.md"
		if !strings.HasPrefix(text, "# ") {
			t.Errorf("%s: does not start with a level-one heading", path)
		}
		if !index && !strings.Contains(text, "\n## ") {
			t.Errorf("%s: has no level-two headings", path)
		}
		least := 150
		if postmortem {
			least = 100
		}
		if n := len(wordsRe.FindAllString(text, -1)); !index && (n < least || n > 800) {
			t.Errorf("%s: %d words, want %d to 800", path, n, least)
		}
		if strings.Count(text, "```")%2 != 0 {
			t.Errorf("%s: unbalanced code fence", path)
		}
		if strings.HasPrefix(text, "|") || strings.Contains(text, "\n|") {
			t.Errorf("%s: has a table, which plain CommonMark lacks", path)
		}
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), target)); err != nil {
				t.Errorf("%s: broken link %q: %v", path, target, err)
			}
		}
	})
	if count < 50 || count > 80 {
		t.Errorf("found %d markdown files, want 50 to 80", count)
	}
}

func TestCatalog(t *testing.T) {
	dir, root := newTestOrg(t)
	ctx := auth.NewContext(t.Context(), auth.System())
	svc := catalog.NewService(storetest.New(t), []string{dir})

	_, applied, err := svc.Import(ctx, root)
	if err != nil {
		var verr *catalog.ValidationError
		if errors.As(err, &verr) {
			for _, p := range verr.Problems {
				t.Errorf("problem: %s:%d %s %s: %s", p.File, p.Line, p.Entity, p.Field, p.Message)
			}
		}
		t.Fatalf("Import(%s): %v", root, err)
	}
	if len(applied.Conflicts) > 0 {
		t.Errorf("Import conflicts: %v", applied.Conflicts)
	}

	page, err := svc.Query(ctx, catalog.Query{})
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if n := len(page.Entities); n < 55 || n > 75 {
		t.Errorf("catalog holds %d entities, want 55 to 75", n)
	}
	kinds := map[string]int{}
	for _, e := range page.Entities {
		kinds[strings.ToLower(e.Kind)]++
		if e.Status == nil {
			continue
		}
		for _, it := range e.Status.Items {
			t.Errorf("%s: status %s %s: %s", e.Ref(), it.Level, it.Type, it.Message)
		}
	}
	for kind, min := range map[string]int{
		"domain": 2, "system": 5, "component": 15, "api": 8, "resource": 7, "group": 5, "user": 12,
	} {
		if kinds[kind] < min {
			t.Errorf("%d entities of kind %s, want at least %d", kinds[kind], kind, min)
		}
	}

	t.Run("facts", func(t *testing.T) { checkFacts(t, svc) })
	t.Run("service docs", func(t *testing.T) { checkServiceDocs(t, page.Entities) })

	// Extracting again over the registered tree and re-importing must change nothing.
	if _, err := demo.Extract(dir); err != nil {
		t.Fatalf("Extract again: %v", err)
	}
	_, again, err := svc.Import(ctx, root)
	if err != nil {
		t.Fatalf("Import again: %v", err)
	}
	if again.Added != 0 || again.Updated != 0 || again.Removed != 0 {
		t.Errorf("Import again = %+v, want everything unchanged", again)
	}
}

// checkFacts checks what the product's example questions rely on.
func checkFacts(t *testing.T, svc *catalog.Service) {
	ctx := auth.NewContext(t.Context(), auth.System())
	get := func(ref string) catalog.Entity {
		t.Helper()
		r, err := catalog.ParseRef(ref, "", "")
		if err != nil {
			t.Fatalf("ParseRef(%q): %v", ref, err)
		}
		e, err := svc.EntityByRef(ctx, r)
		if err != nil {
			t.Fatalf("EntityByRef(%s): %v", ref, err)
		}
		return e
	}
	targets := func(e catalog.Entity, typ string) []string {
		var out []string
		for _, r := range e.Relations {
			if r.Type == typ {
				out = append(out, r.TargetRef)
			}
		}
		return out
	}
	has := func(e catalog.Entity, typ, target string) {
		t.Helper()
		if got := targets(e, typ); !slices.Contains(got, target) {
			t.Errorf("%s %s = %v, want it to include %s", e.Ref(), typ, got, target)
		}
	}

	payments := get("component:default/payments-api")
	has(payments, "ownedBy", "group:default/payments-team")
	has(payments, "providesApi", "api:default/payments-rest")
	has(payments, "partOf", "system:default/payments")

	ledgerDB := get("resource:default/ledger-db")
	for _, c := range []string{"ledger-service", "ledger-posting-consumer", "reconciliation-worker"} {
		has(ledgerDB, "dependencyOf", "component:default/"+c)
	}
	ordersDB := get("resource:default/orders-db")
	has(ordersDB, "dependencyOf", "component:default/orders-service")
	has(ordersDB, "dependencyOf", "component:default/inventory-service")

	checkout := get("component:default/checkout-service")
	has(checkout, "consumesApi", "api:default/payments-rest")
	has(checkout, "ownedBy", "group:default/checkout-team")

	has(get("group:default/payments-team"), "hasMember", "user:default/elena-petrova")
	has(get("group:default/commerce-engineering"), "childOf", "group:default/engineering")
	has(get("system:default/ledger"), "partOf", "domain:default/payments")

	// $text placeholders resolve to the OpenAPI file beside the catalog file.
	def, _ := get("api:default/payments-rest").Spec["definition"].(string)
	if !strings.Contains(def, "openapi: 3.0.3") || !strings.Contains(def, "Idempotency-Key") {
		t.Errorf("api:default/payments-rest definition = %.80q, want the text of openapi.yaml", def)
	}

	lifecycles := map[string]bool{}
	for _, e := range []string{"fraud-scoring-service", "legacy-payments-gateway", "orders-service"} {
		lc, _ := get("component:default/" + e).Spec["lifecycle"].(string)
		lifecycles[lc] = true
	}
	for _, lc := range []string{"production", "experimental", "deprecated"} {
		if !lifecycles[lc] {
			t.Errorf("no component with lifecycle %s among the checked ones", lc)
		}
	}
}

// checkServiceDocs checks that every service and website has a README and a runbook next
// to the catalog file that declares it.
func checkServiceDocs(t *testing.T, entities []catalog.Entity) {
	services := 0
	for _, e := range entities {
		typ, _ := e.Spec["type"].(string)
		if e.Kind != "Component" || (typ != "service" && typ != "website") {
			continue
		}
		services++
		loc := e.Metadata.Annotations[catalog.AnnotationManagedByLocation]
		file, ok := strings.CutPrefix(loc, "file:")
		if !ok {
			t.Errorf("%s: managed-by-location = %q, want a file location", e.Ref(), loc)
			continue
		}
		if got := e.Metadata.Annotations["backstage.io/techdocs-ref"]; got != "dir:." {
			t.Errorf("%s: techdocs-ref = %q, want dir:.", e.Ref(), got)
		}
		for _, doc := range []string{"README.md", "runbook.md"} {
			p := filepath.Join(filepath.Dir(file), "docs", doc)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: %v", e.Ref(), err)
			}
		}
	}
	if services < 12 {
		t.Errorf("found %d service components, want at least 12", services)
	}
}

// walkFiles calls fn for every file under dir whose name ends in ext.
func walkFiles(t *testing.T, dir, ext string, fn func(path string, data []byte)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ext) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fn(p, data)
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
}
