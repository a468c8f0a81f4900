package scaffolder_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/scaffolder"
)

// copyTree copies the regular files of src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// repoFiles reads the files of a bare repository's default branch.
func repoFiles(t *testing.T, bare string) map[string]string {
	t.Helper()
	r, err := git.PlainOpen(bare)
	if err != nil {
		t.Fatalf("open %s: %v", bare, err)
	}
	head, err := r.Head()
	if err != nil {
		t.Fatalf("HEAD of %s: %v", bare, err)
	}
	c, err := r.CommitObject(head.Hash())
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	iter, err := c.Files()
	if err != nil {
		t.Fatal(err)
	}
	_ = iter.ForEach(func(f *object.File) error {
		s, err := f.Contents()
		files[f.Name] = s
		return err
	})
	return files
}

// eventsOf returns a task's event messages.
func eventsOf(t *testing.T, e *testEnv, id string) []scaffolder.Event {
	t.Helper()
	ev, err := e.svc.Events(auth.NewContext(t.Context(), auth.System()), id, 0)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	return ev
}

// TestCreateAppRunsForReal runs Backstage's create-app template unchanged, with
// publish:github mapped to publish:git: the bare repository holds the rendered
// catalog-info.yaml and the component is in the catalog, registered as the user.
func TestCreateAppRunsForReal(t *testing.T) {
	env := newTestEnv(t)
	copyTree(t, filepath.Join(sharedTemplates(t), "create-app-template"), filepath.Join(env.root, "create-app"))
	env.register(t, filepath.Join(env.root, "create-app", "template.yaml"))
	ctx := developer(t.Context())
	id, err := env.svc.Create(ctx, "template:default/example-nodejs-template", map[string]any{
		"name": "shiny-service", "repoUrl": "github.com?owner=acme&repo=shiny-service"}, nil)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	env.runAll(t)
	task, err := env.svc.Task(ctx, id)
	if err != nil {
		t.Fatalf("Task: %v", err)
	}
	events := eventsOf(t, env, id)
	if task.Status != scaffolder.StatusCompleted {
		t.Fatalf("status = %s; events: %+v", task.Status, events)
	}
	files := repoFiles(t, filepath.Join(env.repos, "github.com", "acme", "shiny-service.git"))
	if !strings.Contains(files["catalog-info.yaml"], `name: "shiny-service"`) {
		t.Errorf("catalog-info.yaml in the repository = %q, want the rendered name", files["catalog-info.yaml"])
	}
	comp, err := env.catalog.EntityByRef(ctx, catalog.Ref{Kind: "component", Namespace: "default", Name: "shiny-service"})
	if err != nil {
		t.Fatalf("component not in the catalog: %v", err)
	}
	if comp.Metadata.Name != "shiny-service" {
		t.Errorf("component = %+v", comp.Metadata)
	}
	links, _ := task.Output["links"].([]any)
	if len(links) != 2 {
		t.Fatalf("output links = %v", task.Output)
	}
	if l, _ := links[1].(map[string]any); l["entityRef"] != "component:default/shiny-service" {
		t.Errorf("output entityRef link = %v", l)
	}
	if l, _ := links[0].(map[string]any); !strings.HasPrefix(l["url"].(string), "file://") {
		t.Errorf("output repository link = %v", l)
	}
	last := events[len(events)-1]
	if last.Type != scaffolder.EventCompletion || last.Body["status"] != "completed" {
		t.Errorf("last event = %+v", last)
	}
	assertWorkspacesRemoved(t, env)
}

// TestDemoRunsForReal runs the demo template unchanged (with a stand-in skeleton, which
// the data set leaves out): the rendered landing page is published to the bare repository,
// and the run then stops at github:pages:enable, which this portal cannot run.
func TestDemoRunsForReal(t *testing.T) {
	env := newTestEnv(t)
	dir := filepath.Join(env.root, "demo")
	copyTree(t, filepath.Join(sharedTemplates(t), "demo-template"), dir)
	copyTree(t, "testdata/demo-skeleton", filepath.Join(dir, "skeleton"))
	env.register(t, filepath.Join(dir, "template.yaml"))
	ctx := developer(t.Context())
	id, err := env.svc.Create(ctx, "template:default/demo-template", map[string]any{
		"name": "Jane", "mode": "dark", "topics": []any{"writing-templates", "builtin-actions"},
		"repoUrl": "github.com?owner=jane&repo=landing"}, nil)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	env.runAll(t)
	task, _ := env.svc.Task(ctx, id)
	events := eventsOf(t, env, id)
	if task.Status != scaffolder.StatusFailed {
		t.Fatalf("status = %s, want failed at github:pages:enable", task.Status)
	}
	last := events[len(events)-1]
	errBody, _ := last.Body["error"].(map[string]any)
	if msg, _ := errBody["message"].(string); !strings.HasPrefix(msg, "github:pages:enable:") {
		t.Errorf("failure = %v, want it to name github:pages:enable", last.Body)
	}
	page := repoFiles(t, filepath.Join(env.repos, "github.com", "jane", "landing.git"))["index.html"]
	for _, want := range []string{`data-mode="dark"`, "Hello, Jane", "jane/landing", "<li>builtin-actions</li>"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q:\n%s", want, page)
		}
	}
	var logged bool
	for _, e := range events {
		if m, _ := e.Body["message"].(string); strings.Contains(m, "- Owner: jane") {
			logged = true
		}
	}
	if !logged {
		t.Errorf("debug:log step did not log the parsed owner")
	}
	assertWorkspacesRemoved(t, env)
}

func assertWorkspacesRemoved(t *testing.T, env *testEnv) {
	t.Helper()
	left, err := os.ReadDir(env.work)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("workspaces left behind: %v", left)
	}
}
