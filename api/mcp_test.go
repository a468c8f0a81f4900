package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// newMCPEnv is the assistant env (testdata/assistant) with /mcp served over a real
// listener, for the SDK's own client.
func newMCPEnv(t *testing.T) (*testEnv, string) {
	t.Helper()
	db := storetest.New(t)
	idx := newTestIndex(t, db)
	slot, reg := &assistantSlot{}, assistant.NewRegistry()
	env := newTestEnvOn(t, db, api.Deps{Search: idx, Assistant: slot, MCP: true, Tools: reg, BaseURL: portalBase})
	sys := auth.NewContext(t.Context(), auth.System())
	if _, _, err := env.svc.Import(sys, env.copyTree("testdata/assistant", "assistant")); err != nil {
		t.Fatalf("import: %v", err)
	}
	sources := []indexer.Source{indexer.NewCatalogSource(env.svc), indexer.NewTechDocsSource(env.svc, []string{env.root})}
	if _, err := idx.Index(sys, sources, nil); err != nil {
		t.Fatalf("index: %v", err)
	}
	svc, err := assistant.New(assistant.Deps{Catalog: env.svc, Search: idx, Store: db, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	slot.svc = svc
	srv := httptest.NewServer(env.srv)
	t.Cleanup(srv.Close)
	return env, srv.URL + "/mcp"
}

// bearer adds a token to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return b.next.RoundTrip(r)
}

// mcpConnect connects the SDK's client to endpoint with token.
func mcpConnect(ctx context.Context, endpoint, token string) (*sdk.ClientSession, error) {
	c := sdk.NewClient(&sdk.Implementation{Name: "portal-test", Version: "1"}, nil)
	return c.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: endpoint, MaxRetries: -1,
		HTTPClient: &http.Client{Transport: bearer{token, http.DefaultTransport}}}, nil)
}

// wantTools are the tools a client must find: the portal's own, the registry's, and
// Backstage's well-known actions.
var wantTools = []string{"ask", "catalog_lookup", "catalog_relation", "doc_search", "dry-run-template", "get-catalog-entity",
	"get_entity", "query-catalog-entities", "register-entity", "related", "search", "unregister-entity", "validate-entity", "who-am-i"}

// mcpCalls calls every tool once, about zebracrypt where a tool takes a subject; leak
// tests use it as the viewer, the listing test as the owner.
func mcpCalls(env *testEnv) map[string]map[string]any {
	return map[string]map[string]any{
		"search":                 {"query": "zebracrypt quaggavault master keys"},
		"get_entity":             {"ref": "component:default/zebracrypt"},
		"related":                {"ref": "component:default/payments-api", "depth": 3},
		"ask":                    {"question": "who owns zebracrypt?"},
		"catalog_lookup":         {"query": "zebracrypt"},
		"catalog_relation":       {"ref": "component:default/payments-api", "relation": "dependsOn"},
		"doc_search":             {"query": "quaggavault master keys rotation"},
		"who-am-i":               {},
		"get-catalog-entity":     {"name": "zebracrypt"},
		"query-catalog-entities": {"query": map[string]any{"kind": "Component"}, "fields": []string{"metadata.name", "metadata.description"}},
		"validate-entity":        {"entity": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: zebracrypt\nspec:\n  type: service\n  lifecycle: production\n  owner: team-secret\n"},
		"register-entity":        {"locationUrl": "file://" + env.root + "/assistant/zebracrypt/catalog-info.yaml"},
		"unregister-entity":      {"locationId": env.locationID()},
		"dry-run-template":       {"templateYaml": "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n"},
	}
}

// TestMCPClient connects with the SDK's client: without a token it gets 401; with the
// owner's it lists every tool and calls each.
func TestMCPClient(t *testing.T) {
	env, endpoint := newMCPEnv(t)
	ctx := t.Context()
	if _, err := mcpConnect(ctx, endpoint, ""); err == nil {
		t.Error("connected without a token")
	}
	r, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(mcpInitialize))
	r.Header.Set("Accept", "application/json, text/event-stream")
	r.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(r); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /mcp without a token = %v, %v; want 401", resp, err)
	} else {
		resp.Body.Close()
	}
	if _, err := mcpConnect(ctx, endpoint, env.tokens[asBad]); err == nil {
		t.Error("connected with a bad token")
	}

	cs, err := mcpConnect(ctx, endpoint, env.tokens[asOwner])
	if err != nil {
		t.Fatalf("connect as owner: %v", err)
	}
	defer cs.Close()
	list, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	var names []string
	for _, tl := range list.Tools {
		names = append(names, tl.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, wantTools) {
		t.Errorf("tools = %v, want %v", names, wantTools)
	}
	calls := mcpCalls(env)
	// What each tool must say to the owner (who may see zebracrypt): proof that the call
	// reached the catalog, the index and the assistant, and was not answered emptily.
	want := map[string]string{
		"search": "zebracrypt", "get_entity": "quaggavault", "related": "zebracrypt", "ask": "team-secret",
		"catalog_lookup": "zebracrypt", "catalog_relation": "zebracrypt", "doc_search": "quaggavault",
		"who-am-i": "user:default/owner", "get-catalog-entity": "quaggavault", "query-catalog-entities": "zebracrypt",
		"validate-entity": `"isValid": true`,
	}
	// Tools the owner (a developer) may not use, and the dry run of a portal without a scaffolder.
	wantErr := map[string]string{
		"register-entity":   "",
		"unregister-entity": "admin role",
		"dry-run-template":  "the scaffolder is not running on this portal",
	}
	for _, name := range wantTools {
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: calls[name]})
		if err != nil {
			t.Errorf("CallTool(%s): %v", name, err)
			continue
		}
		text := resultText(res)
		if w, ok := wantErr[name]; ok {
			if name == "register-entity" {
				continue // the owner is a developer with a write token: registering may succeed
			}
			if !res.IsError || !strings.Contains(text, w) {
				t.Errorf("%s = error %v %q, want an error saying %q", name, res.IsError, text, w)
			}
			continue
		}
		if res.IsError || !strings.Contains(text, want[name]) {
			t.Errorf("%s as the owner = error %v %.300q, want it to say %q", name, res.IsError, text, want[name])
		}
		if res.StructuredContent == nil {
			t.Errorf("%s has no structured content", name)
		}
	}
}

// resultText is everything a tool result carries, text and structured content.
func resultText(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	if res.StructuredContent != nil {
		s, _ := json.Marshal(res.StructuredContent)
		b.Write(s)
	}
	return b.String()
}

// TestMCPNeverLeaks calls every tool as the viewer, asking about the restricted
// zebracrypt every way a tool allows: no result names it or its words.
func TestMCPNeverLeaks(t *testing.T) {
	env, endpoint := newMCPEnv(t)
	ctx := t.Context()
	cs, err := mcpConnect(ctx, endpoint, env.tokens[asViewer])
	if err != nil {
		t.Fatalf("connect as viewer: %v", err)
	}
	defer cs.Close()
	calls := mcpCalls(env)
	extra := []struct {
		name string
		args map[string]any
	}{
		{"get_entity", map[string]any{"ref": "zebracrypt"}},
		{"related", map[string]any{"ref": "group:default/team-secret", "depth": 3}},
		{"related", map[string]any{"ref": "component:default/zebracrypt"}},
		{"get-catalog-entity", map[string]any{"kind": "Component", "namespace": "default", "name": "zebracrypt"}},
		{"query-catalog-entities", map[string]any{"query": map[string]any{"metadata.name": "zebracrypt"}}},
		{"query-catalog-entities", map[string]any{"fullTextFilter": map[string]any{"term": "quagga"}}},
		{"query-catalog-entities", map[string]any{"query": map[string]any{"relations.ownedby": "group:default/team-secret"}}},
		{"search", map[string]any{"query": "bastion"}},
		{"ask", map[string]any{"question": "what does payments-api depend on?"}},
		{"ask", map[string]any{"question": "how do I rotate the master keys?"}},
		{"catalog_relation", map[string]any{"ref": "group:default/team-secret", "relation": "ownerOf"}},
	}
	for _, name := range wantTools {
		extra = append(extra, struct {
			name string
			args map[string]any
		}{name, calls[name]})
	}
	for _, c := range extra {
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: c.name, Arguments: c.args})
		if err != nil {
			t.Errorf("CallTool(%s): %v", c.name, err)
			continue
		}
		text := resultText(res)
		if c.name == "validate-entity" {
			// It echoes the YAML the caller sent, which names zebracrypt; it reads nothing.
			text = strings.ReplaceAll(text, "zebracrypt", "")
		}
		// Backstage's not-found message repeats the name asked for (a missing name reads
		// the same: checked below).
		text = strings.ReplaceAll(text, `No entity found with name "zebracrypt"`, "")
		if hasSecret(text) {
			t.Errorf("viewer's %s(%v) names zebracrypt: %.400s", c.name, c.args, text)
		}
	}
	// A hidden entity reads exactly like a missing one.
	for _, tool := range []struct{ name, key, prefix string }{{"get_entity", "ref", "component:default/"}, {"get-catalog-entity", "name", ""}} {
		hidden, _ := cs.CallTool(ctx, &sdk.CallToolParams{Name: tool.name, Arguments: map[string]any{tool.key: tool.prefix + "zebracrypt"}})
		missing, _ := cs.CallTool(ctx, &sdk.CallToolParams{Name: tool.name, Arguments: map[string]any{tool.key: tool.prefix + "yakcrypt"}})
		if h, m := strings.ReplaceAll(resultText(hidden), "zebracrypt", "X"), strings.ReplaceAll(resultText(missing), "yakcrypt", "X"); h != m || !hidden.IsError {
			t.Errorf("%s: hidden entity answers %q, missing one %q: they must read the same", tool.name, h, m)
		}
	}
	// The viewer may not register or unregister.
	for _, name := range []string{"register-entity", "unregister-entity"} {
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: calls[name]})
		if err != nil || !res.IsError || !strings.Contains(resultText(res), "may not") {
			t.Errorf("viewer's %s = %+v, %v; want refused", name, res, err)
		}
	}
}
