package api_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/internal/testenv"
	"github.com/nextportal/portal/scaffolder"
	"github.com/nextportal/portal/store/storetest"
)

// newScaffolderEnv is a test server with a real scaffolder over the same store and
// catalog, and Backstage's create-app template registered.
func newScaffolderEnv(t *testing.T) (*testEnv, *scaffolder.Service) {
	t.Helper()
	db := storetest.New(t)
	env := newTestEnvOn(t, db, api.Deps{})
	svc, err := scaffolder.NewService(db, env.svc, scaffolder.Config{
		WorkDir: t.TempDir(), ReposDir: filepath.Join(env.root, "repos"), FileRoots: []string{env.root},
		ActionAliases: map[string]string{"publish:github": "publish:git"}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	env.srv = api.NewServer(api.Deps{Catalog: env.svc, Auth: env.auth, Scaffolder: svc, Logger: slog.New(slog.DiscardHandler)})
	src := testenv.Dir(t, "PORTAL_BACKSTAGE_TEMPLATES", "../../shared/data/backstage-software-templates")
	dir := env.copyTree(filepath.Join(src, "create-app-template"), "create-app")
	if w := env.do("POST", "/api/catalog/locations", `{"type":"file","target":"`+dir+`/template.yaml"}`); w.Code != http.StatusCreated {
		t.Fatalf("register template: %d %s", w.Code, w.Body)
	}
	return env, svc
}

const createAppRef = "template:default/example-nodejs-template"

// TestScaffolderInvalidValues checks the 400 for bad values: Backstage's {"errors": [...]}
// with one entry naming each failing field.
func TestScaffolderInvalidValues(t *testing.T) {
	env, _ := newScaffolderEnv(t)
	w := env.doAs(asDeveloper, "POST", "/api/scaffolder/v2/tasks", `{"templateRef":"`+createAppRef+`","values":{"name":5}}`)
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; body %s", w.Code, w.Body)
	}
	var body struct {
		Errors []struct {
			Path     []string `json:"path"`
			Property string   `json:"property"`
			Message  string   `json:"message"`
			Name     string   `json:"name"`
			Argument any      `json:"argument"`
			Stack    string   `json:"stack"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %s: %v", w.Body, err)
	}
	got := map[string]string{}
	for _, e := range body.Errors {
		got[e.Property+" "+e.Name] = e.Stack
	}
	for _, want := range []string{"instance.name type", "instance required"} {
		if _, ok := got[want]; !ok {
			t.Errorf("errors %v lack %q", got, want)
		}
	}
	if s := got["instance required"]; s != `instance requires property "repoUrl"` {
		t.Errorf("required error stack = %q", s)
	}
}

// TestScaffolderTaskLifecycle runs create-app through the API: create, run, read the task,
// its events and its event stream; the component lands in the catalog.
func TestScaffolderTaskLifecycle(t *testing.T) {
	env, svc := newScaffolderEnv(t)
	w := env.doAs(asDeveloper, "POST", "/api/scaffolder/v2/tasks",
		`{"templateRef":"`+createAppRef+`","values":{"name":"api-made","repoUrl":"github.com?owner=acme&repo=api-made"}}`)
	var created struct{ ID string }
	decode(t, w, &created)
	if w.Code != http.StatusCreated || created.ID == "" {
		t.Fatalf("create = %d %s", w.Code, w.Body)
	}
	if ran, err := svc.RunNext(t.Context()); !ran || err != nil {
		t.Fatalf("RunNext = %v, %v", ran, err)
	}
	var task scaffolder.Task
	decode(t, env.doAs(asDeveloper, "GET", "/api/scaffolder/v2/tasks/"+created.ID, ""), &task)
	if task.Status != scaffolder.StatusCompleted || task.Spec.TemplateInfo.EntityRef != createAppRef {
		t.Errorf("task = %+v", task)
	}
	if w := env.doAs(asOwner, "GET", "/api/scaffolder/v2/tasks/"+created.ID, ""); w.Code != http.StatusNotFound {
		t.Errorf("another developer reads the task: %d", w.Code)
	}
	var list struct {
		Tasks      []scaffolder.Task
		TotalTasks int
	}
	decode(t, env.doAs(asDeveloper, "GET", "/api/scaffolder/v2/tasks", ""), &list)
	if list.TotalTasks != 1 || len(list.Tasks) != 1 {
		t.Errorf("tasks = %+v", list)
	}
	var events []scaffolder.Event
	decode(t, env.doAs(asDeveloper, "GET", "/api/scaffolder/v2/tasks/"+created.ID+"/events", ""), &events)
	if len(events) < 4 || events[len(events)-1].Type != scaffolder.EventCompletion {
		t.Fatalf("events = %+v", events)
	}
	stream := env.doAs(asDeveloper, "GET", "/api/scaffolder/v2/tasks/"+created.ID+"/eventstream", "")
	body := stream.Body.String()
	if stream.Code != http.StatusOK || !strings.HasPrefix(stream.Header().Get("Content-Type"), "text/event-stream") {
		t.Fatalf("eventstream = %d %s", stream.Code, stream.Header())
	}
	for _, want := range []string{"event: log\ndata: {", `"stepId":"fetch-base"`, `"status":"processing"`, "event: completion\ndata: {", `"taskId":"` + created.ID + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("event stream lacks %q:\n%s", want, body)
		}
	}
	after := env.doAs(asDeveloper, "GET", "/api/scaffolder/v2/tasks/"+created.ID+"/eventstream?after="+itoa(int(events[len(events)-2].ID)), "")
	if n := strings.Count(after.Body.String(), "\nevent: "); n != 1 && strings.Count(after.Body.String(), "event: ") != 1 {
		t.Errorf("stream after the second-last event sent %d events:\n%s", n, after.Body)
	}
	if w := env.doAs(asDeveloper, "GET", "/api/catalog/entities/by-name/component/default/api-made", ""); w.Code != http.StatusOK {
		t.Errorf("component not in the catalog: %d %s", w.Code, w.Body)
	}
	if w := env.doAs(asDeveloper, "POST", "/api/scaffolder/v2/tasks/"+created.ID+"/cancel", ""); w.Code != http.StatusConflict {
		t.Errorf("cancel of a completed task = %d, want 409", w.Code)
	}
	var audit struct {
		Items []struct{ Action, Target string }
	}
	decode(t, env.do("GET", "/api/v1/audit", ""), &audit)
	found := false
	for _, e := range audit.Items {
		found = found || (e.Action == "scaffolder.task.create" && strings.Contains(e.Target, created.ID))
	}
	if !found {
		t.Errorf("no audit entry for the task: %+v", audit.Items)
	}
}

func TestScaffolderReadRoutes(t *testing.T) {
	env, _ := newScaffolderEnv(t)
	var actions []struct {
		ID     string
		Schema struct{ Input map[string]any }
	}
	decode(t, env.doAs(asViewer, "GET", "/api/scaffolder/v2/actions", ""), &actions)
	ids := map[string]bool{}
	for _, a := range actions {
		ids[a.ID] = a.Schema.Input != nil
	}
	for _, id := range []string{"fetch:plain", "fetch:plain:file", "fetch:template", "fetch:template:file", "debug:log", "debug:wait", "catalog:write", "catalog:register", "catalog:fetch", "publish:git", "publish:github"} {
		if !ids[id] {
			t.Errorf("actions lack %s (or its input schema)", id)
		}
	}
	var schema scaffolder.ParameterSchema
	decode(t, env.doAs(asViewer, "GET", "/api/scaffolder/v2/templates/default/template/example-nodejs-template/parameter-schema", ""), &schema)
	if schema.Title != "Example Node.js Template" || len(schema.Steps) != 2 || schema.Steps[1].Schema["properties"] == nil {
		t.Errorf("parameter schema = %+v", schema)
	}
	if w := env.doAs(asViewer, "GET", "/api/scaffolder/v2/templates/default/template/nope/parameter-schema", ""); w.Code != http.StatusNotFound {
		t.Errorf("missing template = %d", w.Code)
	}
	var dry scaffolder.DryRunResult
	decode(t, env.doAs(asDeveloper, "POST", "/api/scaffolder/v2/dry-run",
		`{"templateRef":"`+createAppRef+`","values":{"name":"dry","repoUrl":"github.com?owner=a&repo=dry"}}`), &dry)
	if dry.Status != "completed" || len(dry.DirectoryContents) != 1 || dry.DirectoryContents[0].Path != "catalog-info.yaml" || len(dry.Log) == 0 {
		t.Errorf("dry run = %+v", dry)
	}
	if w := env.doAs(asDeveloper, "GET", "/api/catalog/entities/by-name/component/default/dry", ""); w.Code != http.StatusNotFound {
		t.Errorf("a dry run registered its component: %d", w.Code)
	}
	if w := env.doAs(asDeveloper, "POST", "/api/scaffolder/v2/dry-run", `{"templateRef":"`+createAppRef+`","values":{}}`); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"errors"`) {
		t.Errorf("dry run with bad values = %d %s", w.Code, w.Body)
	}
}
