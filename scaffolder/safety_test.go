package scaffolder_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/scaffolder"
)

// templateYAML is a template with the given steps (YAML, indented for spec.steps).
func templateYAML(name, steps string) string {
	return `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ` + name + `
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - title: Name
      required: [name]
      properties:
        name:
          type: string
          minLength: 2
        count:
          type: integer
          maximum: 5
  steps:
` + steps
}

// TestUnsafeTemplatesFailCleanly runs templates that try to escape their workspace, reach
// files or the environment, or blow up: each task fails with a clear message and nothing
// is written outside the workspace.
func TestUnsafeTemplatesFailCleanly(t *testing.T) {
	env := newTestEnv(t)
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("TOP-SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(filepath.Dir(env.work), "escaped")
	t.Setenv("PORTAL_TEST_SECRET", "ENV-SECRET")
	tests := []struct {
		name    string
		steps   string
		files   map[string]string
		symlink [2]string // link name → target, inside the template folder
		want    string    // in the failure message
	}{
		{"fetch ../ traversal", `    - id: f
      action: fetch:plain
      input: {url: ../../../../../../etc}
`, nil, [2]string{}, "outside the template folder"},
		{"fetch absolute path", `    - id: f
      action: fetch:plain
      input: {url: /etc}
`, nil, [2]string{}, "outside the template folder"},
		{"target ../ traversal", `    - id: f
      action: fetch:plain
      input: {url: ./skeleton, targetPath: ../../escaped}
`, map[string]string{"skeleton/a.txt": "a"}, [2]string{}, "outside the workspace"},
		{"target absolute", `    - id: f
      action: fetch:template
      input: {url: ./skeleton, targetPath: ` + outside + `}
`, map[string]string{"skeleton/a.txt": "a"}, [2]string{}, "is absolute"},
		{"templated file name escapes", `    - id: f
      action: fetch:template
      input: {url: ./skeleton, values: {p: ../../escaped}}
`, map[string]string{"skeleton/${{ values.p }}/x.txt": "x"}, [2]string{}, "outside the workspace"},
		{"catalog:write escapes", `    - id: w
      action: catalog:write
      input: {filePath: ../../escaped.yaml, entity: {kind: Component}}
`, nil, [2]string{}, "outside the workspace"},
		{"symlink in template folder", `    - id: f
      action: fetch:plain
      input: {url: ./skeleton}
`, map[string]string{"skeleton/ok.txt": "ok"}, [2]string{"skeleton/leak.txt", secret}, "symlink"},
		{"symlinked folder", `    - id: f
      action: fetch:template
      input: {url: ./linked}
`, nil, [2]string{"linked", filepath.Dir(secret)}, "symlink"},
		{"include reaches a file", `    - id: f
      action: fetch:template
      input: {url: ./skeleton}
`, map[string]string{"skeleton/x.txt": "{% include '" + secret + "' %}"}, [2]string{}, "cannot be rendered"},
		{"import reaches a file", `    - id: f
      action: debug:log
      input: {message: "{% import '` + secret + `' as s %}"}
`, nil, [2]string{}, "cannot be parsed"},
		{"extends reaches a file", `    - id: f
      action: debug:log
      input: {message: "{% extends '` + secret + `' %}"}
`, nil, [2]string{}, "cannot be parsed"},
		{"huge each", `    - id: f
      action: debug:log
      each: ${{ range(100000) | list }}
      input: {message: "${{ each.value }}"}
`, nil, [2]string{}, "range() of more than"},
		{"each over a long list", `    - id: f
      action: debug:log
      each: ${{ range(5000) | list }}
      input: {message: "${{ each.value }}"}
`, nil, [2]string{}, "more than 20 items"},
		{"output bomb", `    - id: f
      action: debug:log
      input: {message: "{% for i in range(9999) %}{% for j in range(9999) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}"}
`, nil, [2]string{}, "output larger than"},
		{"remote fetch", `    - id: f
      action: fetch:plain
      input: {url: "https://example.com/x"}
`, nil, [2]string{}, "not remote URLs"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "unsafe-" + string(rune('a'+i))
			files := map[string]string{"template.yaml": templateYAML(name, tt.steps)}
			for k, v := range tt.files {
				files[k] = v
			}
			dir := filepath.Join(env.root, name)
			if tt.symlink[0] != "" {
				link := filepath.Join(dir, tt.symlink[0])
				if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(tt.symlink[1], link); err != nil {
					t.Fatal(err)
				}
			}
			env.writeTemplate(t, name, files)
			ctx := developer(t.Context())
			id, err := env.svc.Create(ctx, "template:default/"+name, map[string]any{"name": "ok-name"}, nil)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			env.runAll(t)
			task, _ := env.svc.Task(ctx, id)
			events := eventsOf(t, env, id)
			last := events[len(events)-1]
			errBody, _ := last.Body["error"].(map[string]any)
			msg, _ := errBody["message"].(string)
			if task.Status != scaffolder.StatusFailed || !strings.Contains(msg, tt.want) {
				t.Errorf("status %s, failure %q; want failed with %q", task.Status, msg, tt.want)
			}
			for _, e := range events {
				if b, _ := e.Body["message"].(string); strings.Contains(b, "TOP-SECRET") || strings.Contains(b, "ENV-SECRET") {
					t.Errorf("event leaks a secret: %q", b)
				}
			}
			if _, err := os.Stat(outside); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("something was written outside the workspace at %s", outside)
			}
			if _, err := os.Stat(outside + ".yaml"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("something was written outside the workspace at %s.yaml", outside)
			}
			assertWorkspacesRemoved(t, env)
		})
	}
}

// TestExpressionsCannotReachEnvironment renders expressions that would read the process
// environment or files in other engines: here they render nothing.
func TestExpressionsCannotReachEnvironment(t *testing.T) {
	t.Setenv("PORTAL_TEST_SECRET", "ENV-SECRET")
	r := scaffolder.NewRenderer(false)
	for _, expr := range []string{
		"${{ env.PORTAL_TEST_SECRET }}", "${{ environ }}", "${{ process }}", "${{ self }}",
		"${{ lipsum }}", "${{ config }}", "${{ request }}", "${{ os }}",
	} {
		out, err := r.RenderString(expr, map[string]any{"parameters": map[string]any{}})
		if err == nil && (strings.Contains(out, "ENV-SECRET") || strings.Contains(out, "/")) {
			t.Errorf("RenderString(%s) = %q", expr, out)
		}
	}
}
