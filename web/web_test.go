package web_test

import (
	"html/template"
	"io/fs"
	"strings"
	"testing"

	"github.com/nextportal/portal/web"
)

func TestTemplatesParse(t *testing.T) {
	for _, page := range []string{"catalog.html", "entity.html", "error.html"} {
		t.Run(page, func(t *testing.T) {
			tmpl, err := template.ParseFS(web.Templates(), "layout.html", page)
			if err != nil {
				t.Fatalf("parse layout.html with %s: %v", page, err)
			}
			for _, name := range []string{"layout", "content"} {
				if tmpl.Lookup(name) == nil {
					t.Errorf("%s defines no %q template", page, name)
				}
			}
		})
	}
}

func TestStaticFiles(t *testing.T) {
	tests := []struct {
		name string
		want string // a string the file must contain
	}{
		{"style.css", ":root"},
		{"catalog.js", "fragment"},
		{"favicon.svg", "<svg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := fs.ReadFile(web.Static(), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tt.want) {
				t.Errorf("%s lacks %q", tt.name, tt.want)
			}
		})
	}
}
