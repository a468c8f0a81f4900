package scaffolder

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// Template is a scaffolder.backstage.io/v1beta3 Template entity, read for running.
type Template struct {
	Entity catalog.Entity
	// Dir is the folder of the template's file location; fetch actions read relative URLs
	// from it. Empty when the template is not read from a file.
	Dir string
	// Pages are the parameter schemas, one per form page (a single schema is one page).
	Pages  []map[string]any
	Steps  []Step
	Output map[string]any
}

// Step is one step of a template.
type Step struct {
	ID     string         `json:"id"`
	Name   string         `json:"name,omitempty"`
	Action string         `json:"action"`
	Input  map[string]any `json:"input,omitempty"`
	If     any            `json:"if,omitempty"`
	Each   any            `json:"each,omitempty"`
}

// Bounds on a template's shape.
const (
	maxSteps = 100
	maxPages = 20
)

// TemplateFromEntity reads e as a v1beta3 template. dir is the folder its file lives in.
func TemplateFromEntity(e catalog.Entity, dir string) (*Template, error) {
	if !strings.EqualFold(e.Kind, "Template") || e.APIVersion != "scaffolder.backstage.io/v1beta3" {
		return nil, errkindf("%s is not a scaffolder.backstage.io/v1beta3 Template", e.Ref())
	}
	t := &Template{Entity: e, Dir: dir}
	switch p := e.Spec["parameters"].(type) {
	case nil:
	case map[string]any:
		t.Pages = []map[string]any{p}
	case []any:
		for i, page := range p {
			m, ok := page.(map[string]any)
			if !ok {
				return nil, errkindf("template %s: parameters[%d] is not an object", e.Ref(), i)
			}
			t.Pages = append(t.Pages, m)
		}
	default:
		return nil, errkindf("template %s: parameters must be an object or a list", e.Ref())
	}
	if len(t.Pages) > maxPages {
		return nil, errkindf("template %s: more than %d parameter pages", e.Ref(), maxPages)
	}
	steps, _ := e.Spec["steps"].([]any)
	if len(steps) > maxSteps {
		return nil, errkindf("template %s: more than %d steps", e.Ref(), maxSteps)
	}
	for i, raw := range steps {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, errkindf("template %s: steps[%d] is not an object", e.Ref(), i)
		}
		s := Step{If: m["if"], Each: m["each"]}
		s.ID, _ = m["id"].(string)
		s.Name, _ = m["name"].(string)
		s.Action, _ = m["action"].(string)
		s.Input, _ = m["input"].(map[string]any)
		if s.ID == "" {
			s.ID = fmt.Sprintf("step-%d", i+1)
		}
		if s.Name == "" {
			s.Name = s.ID
		}
		if s.Action == "" {
			return nil, errkindf("template %s: step %q has no action", e.Ref(), s.ID)
		}
		t.Steps = append(t.Steps, s)
	}
	t.Output, _ = e.Spec["output"].(map[string]any)
	return t, nil
}

// TemplateDir returns the folder of a file-located entity, from its managed-by-location
// annotation ("file:/abs/path/template.yaml"), or "".
func TemplateDir(e catalog.Entity) string {
	loc := e.Metadata.Annotations[catalog.AnnotationManagedByLocation]
	target, ok := strings.CutPrefix(loc, "file:")
	if !ok || !filepath.IsAbs(target) {
		return ""
	}
	return filepath.Dir(filepath.Clean(target))
}

// ParameterSchema is Backstage's answer to GET …/parameter-schema: the form's pages.
type ParameterSchema struct {
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	Steps       []SchemaPage `json:"steps"`
}

// SchemaPage is one page of the form: its title, description and JSON Schema (with the
// ui:* hints kept for the form).
type SchemaPage struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Schema      map[string]any `json:"schema"`
}

// ParameterSchema returns the template's form pages.
func (t *Template) ParameterSchema() ParameterSchema {
	title := t.Entity.Metadata.Title
	if title == "" {
		title = t.Entity.Metadata.Name
	}
	out := ParameterSchema{Title: title, Description: t.Entity.Metadata.Description, Steps: []SchemaPage{}}
	for _, p := range t.Pages {
		pt, _ := p["title"].(string)
		pd, _ := p["description"].(string)
		if pt == "" {
			pt = "Please enter the following information"
		}
		out.Steps = append(out.Steps, SchemaPage{Title: pt, Description: pd, Schema: p})
	}
	return out
}
