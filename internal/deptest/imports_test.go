package deptest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// rule forbids the packages it applies to from importing anything matched by forbid. A forbid
// entry ending in "/" matches every path under it; otherwise it matches the path and its
// subpackages. Transitive rules look at every dependency, the others at direct imports only.
// Test files are never checked: tests may import whatever they need.
type rule struct {
	name       string
	applies    func(importPath string) bool
	forbid     []string
	transitive bool
}

// domain lists the feature packages that hold the product's logic and stay free of HTTP and SQL.
var domain = []string{"catalog", "auth", "indexer", "assistant", "anomaly", "finops", "scaffolder"}

// rules are STYLE.md's import rules.
var rules = []rule{
	{
		name:    "only api imports gin",
		applies: not(under("api")),
		forbid:  []string{"github.com/gin-gonic/"},
	},
	{
		name:    "only indexer imports bleve",
		applies: not(under("indexer")),
		// The Snowball stemmer module alone is no search engine: the plain BM25 reference in
		// evals uses it for Porter2, as the reference's definition asks.
		forbid: []string{"github.com/blevesearch/bleve", "github.com/blevesearch/zapx", "github.com/blevesearch/scorch"},
	},
	{
		name:    "only assistant imports go-openai",
		applies: not(under("assistant")),
		forbid:  []string{"github.com/sashabaranov/go-openai"},
	},
	{
		name:    "only assistant/slack and internal/notify import slack-go",
		applies: not(under("assistant/slack", "internal/notify")),
		forbid:  []string{"github.com/slack-go/slack"},
	},
	{
		name:    "only assistant/mcp imports the MCP SDK",
		applies: not(under("assistant/mcp")),
		forbid:  []string{"github.com/modelcontextprotocol/go-sdk"},
	},
	{
		name:       "domain packages never depend on gin, pgx, sqlite or the store",
		applies:    under(domain...),
		forbid:     []string{"github.com/gin-gonic/", "github.com/jackc/pgx", "modernc.org/sqlite", module + "/store"},
		transitive: true,
	},
	{
		name:       "web imports nothing from this module",
		applies:    under("web"),
		forbid:     []string{module + "/"},
		transitive: true,
	},
	{
		name:       "only cmd (and tests) import the store",
		applies:    not(under("cmd", "store")),
		forbid:     []string{module + "/store"},
		transitive: true,
	},
}

// under returns a predicate true for the module's packages in (or below) any of dirs.
func under(dirs ...string) func(string) bool {
	return func(p string) bool {
		return slices.ContainsFunc(dirs, func(d string) bool { return matches(p, module+"/"+d) })
	}
}

// not negates a predicate.
func not(f func(string) bool) func(string) bool { return func(p string) bool { return !f(p) } }

// matches reports whether import path p is pattern or below it (any path starting with pattern
// when pattern ends in "/").
func matches(p, pattern string) bool {
	if strings.HasSuffix(pattern, "/") {
		return strings.HasPrefix(p, pattern)
	}
	return p == pattern || strings.HasPrefix(p, pattern+"/")
}

// violations returns one line per forbidden import of pkgs under rs.
func violations(pkgs []pkg, rs []rule) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rs {
			if !r.applies(p.ImportPath) {
				continue
			}
			imports, verb := p.Imports, "imports"
			if r.transitive {
				imports, verb = p.Deps, "depends on"
			}
			// One line per forbidden pattern: a transitive hit on gin would otherwise list
			// every gin subpackage.
			for _, f := range r.forbid {
				i := slices.IndexFunc(imports, func(imp string) bool { return imp != p.ImportPath && matches(imp, f) })
				if i >= 0 {
					out = append(out, fmt.Sprintf("%s %s %s (rule: %s)", p.ImportPath, verb, imports[i], r.name))
				}
			}
		}
	}
	return out
}

func TestImports(t *testing.T) {
	pkgs := listModule(t)
	for _, v := range violations(pkgs, rules) {
		t.Error(v)
	}
}

// TestViolations checks the checker itself on made-up packages, so TestImports cannot pass
// just because a rule never matches.
func TestViolations(t *testing.T) {
	tests := []struct {
		name string
		pkg  pkg
		want int
	}{
		{"api may import gin", pkg{ImportPath: module + "/api", Imports: []string{"github.com/gin-gonic/gin"}}, 0},
		{"api subpackage may import gin", pkg{ImportPath: module + "/api/sse", Imports: []string{"github.com/gin-gonic/gin/render"}}, 0},
		{"web may not import gin", pkg{ImportPath: module + "/web", Imports: []string{"github.com/gin-gonic/gin"}}, 1},
		{"cmd depends on gin through api", pkg{ImportPath: module + "/cmd/portal", Imports: []string{module + "/api"}, Deps: []string{module + "/api", "github.com/gin-gonic/gin"}}, 0},
		{"catalog may not depend on pgx", pkg{ImportPath: module + "/catalog", Deps: []string{"github.com/jackc/pgx/v5/pgconn"}}, 1},
		{"catalog may not import the store", pkg{ImportPath: module + "/catalog", Imports: []string{module + "/store"}, Deps: []string{module + "/store"}}, 2},
		{"catalogue is not catalog", pkg{ImportPath: module + "/catalogue", Imports: []string{"modernc.org/sqlite"}}, 0},
		{"indexer may import bleve", pkg{ImportPath: module + "/indexer", Imports: []string{"github.com/blevesearch/bleve/v2"}, Deps: []string{"github.com/blevesearch/bleve/v2"}}, 0},
		{"assistant may depend on bleve through indexer", pkg{ImportPath: module + "/assistant", Imports: []string{module + "/indexer"}, Deps: []string{module + "/indexer", "github.com/blevesearch/bleve/v2"}}, 0},
		{"api may not import bleve", pkg{ImportPath: module + "/api", Imports: []string{"github.com/blevesearch/bleve/v2"}}, 1},
		{"finops may not import go-openai", pkg{ImportPath: module + "/finops", Imports: []string{"github.com/sashabaranov/go-openai"}}, 1},
		{"web may not depend on catalog", pkg{ImportPath: module + "/web", Deps: []string{module + "/catalog"}}, 1},
		{"storetest may import store", pkg{ImportPath: module + "/store/storetest", Imports: []string{module + "/store"}, Deps: []string{module + "/store", "modernc.org/sqlite"}}, 0},
		{"internal packages may not depend on the store", pkg{ImportPath: module + "/internal/demo", Deps: []string{module + "/store/storetest"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := violations([]pkg{tt.pkg}, rules)
			if len(got) != tt.want {
				t.Errorf("violations(%s) = %q, want %d", tt.pkg.ImportPath, got, tt.want)
			}
		})
	}
}
