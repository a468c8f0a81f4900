package scaffolder_test

import (
	"strings"
	"testing"

	"github.com/nextportal/portal/scaffolder"
)

// FuzzRenderString renders arbitrary template text: it must return or fail cleanly, never
// panic, and never grow past the output bound.
func FuzzRenderString(f *testing.F) {
	for _, s := range []string{
		"${{ parameters.name }}", "${{ (parameters.repoUrl | parseRepoUrl).owner }}", "${{ parameters.repoUrl | projectSlug }}",
		"{%- if parameters.name %}yes{% endif %}", "${{ parameters.x !== true }}", "${{ values | dump }}",
		"{% include '/etc/passwd' %}", "${{ range(100000) | list }}", "{% for i in range(9) %}${{ i }}{% endfor %}",
		"${{ parameters.name | parseEntityRef | pick('name') }}", "${{", "{% if %}", "}}${{",
	} {
		f.Add(s)
	}
	r := scaffolder.NewRenderer(false)
	vars := map[string]any{"parameters": map[string]any{"name": "group:default/x", "repoUrl": "github.com?owner=o&repo=r"}, "values": map[string]any{"a": []any{1, "b"}}}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 || strings.Count(s, "for") > 3 {
			return // nested loops are bounded by output size, which takes long to reach
		}
		out, err := r.RenderString(s, vars)
		if err == nil && len(out) > 4<<20 {
			t.Fatalf("output of %d bytes", len(out))
		}
	})
}

// FuzzParseRepoURL parses arbitrary RepoUrlPicker values.
func FuzzParseRepoURL(f *testing.F) {
	for _, s := range []string{"github.com?owner=o&repo=r", "gitlab.example.com?owner=a&repo=b", "?repo=x", "github.com", "%zz?repo=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := scaffolder.ParseRepoURL(s)
		if err == nil && (m["repo"] == nil || m["host"] == "") {
			t.Fatalf("ParseRepoURL(%q) = %v without a repo or host", s, m)
		}
	})
}
