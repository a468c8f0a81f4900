package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/internal/testenv"
)

// TestTemplateCommands imports Backstage's create-app template, lists it, dry-runs it and
// runs it for real with publish:github mapped to publish:git; bad values fail in one line.
func TestTemplateCommands(t *testing.T) {
	src := testenv.Dir(t, "PORTAL_BACKSTAGE_TEMPLATES", "../../../shared/data/backstage-software-templates")
	root := t.TempDir()
	tpl := filepath.Join(root, "create-app")
	if err := os.CopyFS(tpl, os.DirFS(filepath.Join(src, "create-app-template"))); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("values.yaml", "name: cli-made\nrepoUrl: github.com?owner=acme&repo=cli-made\n")
	bad := write("bad.json", `{"name": 5}`)
	vars := map[string]string{"PORTAL_DATA_DIR": filepath.Join(root, "data"), "PORTAL_FILE_LOCATION_ROOTS": root,
		"PORTAL_SCAFFOLDER_ACTION_MAP": "publish:github=publish:git"}
	cli := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(t.Context(), args, testEnv(t, vars), strings.NewReader(""), &out, &errOut)
		return out.String(), err
	}
	if _, err := cli("catalog", "import", filepath.Join(tpl, "template.yaml")); err != nil {
		t.Fatalf("catalog import: %v", err)
	}
	out, err := cli("template", "list")
	if err != nil || !strings.Contains(out, "template:default/example-nodejs-template") {
		t.Fatalf("template list = %q, %v", out, err)
	}
	out, err = cli("template", "run", "example-nodejs-template", "--values", good, "--dry-run")
	if err != nil || !strings.Contains(out, "file  catalog-info.yaml") || !strings.Contains(out, "dry run completed") {
		t.Fatalf("dry run = %q, %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(root, "data", "scaffolder", "repos", "github.com")); !os.IsNotExist(err) {
		t.Errorf("the dry run wrote a repository")
	}
	out, err = cli("template", "run", "example-nodejs-template", "--values", good)
	if err != nil || !strings.Contains(out, "Run completed with status: completed") || !strings.Contains(out, "component:default/cli-made") {
		t.Fatalf("run = %q, %v", out, err)
	}
	out, err = cli("catalog", "get", "component:cli-made")
	if err != nil || !strings.Contains(out, "name: cli-made") {
		t.Errorf("catalog get = %q, %v", out, err)
	}
	_, err = cli("template", "run", "example-nodejs-template", "--values", bad)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), `requires property "repoUrl"`) || !strings.Contains(err.Error(), "instance.name") {
		t.Errorf("run with bad values = %v, want one line naming both fields", err)
	}
	if _, err := cli("template", "run", "example-nodejs-template"); err == nil || !strings.Contains(err.Error(), "--values") {
		t.Errorf("run without --values = %v", err)
	}
}
