package api_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nextportal/portal/api"
)

// TestMCPDryRunTemplate runs Backstage's dry-run-template action through the SDK's client
// against a real scaffolder: a developer gets the rendered files and the log, nothing is
// kept; a viewer is refused, as on the scaffolder's own dry-run route; bad YAML is a clear
// error.
func TestMCPDryRunTemplate(t *testing.T) {
	env, svc := newScaffolderEnv(t)
	env.srv = api.NewServer(api.Deps{Catalog: env.svc, Auth: env.auth, Scaffolder: svc, MCP: true, Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(env.srv)
	t.Cleanup(srv.Close)
	endpoint := srv.URL + "/mcp"

	const tmpl = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: greeter
spec:
  type: service
  parameters:
    - title: Name
      required: [name]
      properties:
        name: {type: string}
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.name }}
    - id: log
      name: Log
      action: debug:log
      input:
        message: made ${{ parameters.name }}
`
	args := map[string]any{
		"templateYaml": tmpl,
		"values":       map[string]any{"name": "zebra-greeter"},
		"files":        []map[string]any{{"path": "skeleton/README.md", "content": "# ${{ values.name }}\n"}},
	}
	ctx := t.Context()
	for _, tc := range []struct {
		as      string
		args    map[string]any
		wantErr bool
		want    []string
	}{
		// The rendered README comes back base64-encoded; its name and the log line are plain.
		{as: asDeveloper, args: args, want: []string{`"status": "completed"`, "README.md", "made zebra-greeter", "IyB6ZWJyYS1ncmVldGVy"}},
		{as: asViewer, args: args, wantErr: true, want: []string{"developer role"}},
		{as: asDeveloper, args: map[string]any{"templateYaml": "- just\n- a list\n"}, wantErr: true, want: []string{"not a YAML mapping"}},
		{as: asDeveloper, args: map[string]any{"templateYaml": tmpl, "values": map[string]any{}}, wantErr: true, want: []string{"name"}},
	} {
		cs, err := mcpConnect(ctx, endpoint, env.tokens[tc.as])
		if err != nil {
			t.Fatalf("connect as %s: %v", tc.as, err)
		}
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "dry-run-template", Arguments: tc.args})
		cs.Close()
		if err != nil {
			t.Fatalf("CallTool as %s: %v", tc.as, err)
		}
		text := resultText(res)
		if res.IsError != tc.wantErr {
			t.Errorf("as %s: error = %v, want %v: %s", tc.as, res.IsError, tc.wantErr, text)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("as %s: result lacks %q:\n%s", tc.as, w, text)
			}
		}
	}
}
