package scaffolder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strings"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/parser"

	"github.com/nextportal/portal/internal/errkind"
)

// Rendering bounds: a template may not grow its output, or a range() list, past these.
const (
	maxRenderBytes = 4 << 20 // one rendered string or file
	maxRangeItems  = 10000
)

// templateName is the one name the renderer's loader knows: a template can name no other.
const templateName = "/template"

// Renderer renders nunjucks-style `${{ }}` expressions with a Jinja-compatible engine
// (gonja). It is sandboxed: no include, import, extends or from (nothing can be loaded),
// no environment or file access, and output is bounded. A Renderer is safe for concurrent use.
type Renderer struct {
	cfg *config.Config
	env *exec.Environment
}

// NewRenderer returns a renderer with Backstage's delimiters: `${{ }}` for expressions and
// `{% %}` for statements. With cookiecutter set, `{{ }}` is the expression delimiter
// instead (fetch:template's cookiecutterCompat).
func NewRenderer(cookiecutter bool) *Renderer {
	cfg := config.New()
	if !cookiecutter {
		cfg.VariableStartString = "${{"
	}
	cfg.KeepTrailingNewline = true
	filters := map[string]exec.FilterFunction{}
	for _, name := range allowedFilters {
		if f, ok := builtins.Filters.Get(name); ok {
			filters[name] = f
		}
	}
	maps.Copy(filters, map[string]exec.FilterFunction{
		"dump":           filterDump,
		"jsonify":        filterDump,
		"parseRepoUrl":   filterParseRepoURL,
		"parseEntityRef": filterParseEntityRef,
		"pick":           filterPick,
		"projectSlug":    filterProjectSlug,
	})
	structures := map[string]parser.ControlStructureParser{}
	for _, name := range []string{"if", "for", "set", "raw", "filter", "macro", "call", "with", "block", "autoescape"} {
		if p, ok := builtins.ControlStructures.Get(name); ok {
			structures[name] = p
		}
	}
	ctx := exec.NewContext(map[string]any{"range": boundedRange})
	return &Renderer{cfg: cfg, env: &exec.Environment{
		Filters:           exec.NewFilterSet(filters),
		ControlStructures: exec.NewControlStructureSet(structures),
		Tests:             builtins.Tests,
		Context:           ctx,
		Methods:           builtins.Methods,
	}}
}

// allowedFilters are gonja's built-in filters that nunjucks also has (or that are harmless).
var allowedFilters = []string{
	"abs", "batch", "capitalize", "center", "default", "d", "dictsort", "escape", "e", "first",
	"float", "groupby", "indent", "int", "join", "last", "length", "count", "list", "lower",
	"max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
	"selectattr", "slice", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
	"unique", "upper", "urlencode", "wordcount", "tojson", "items", "map", "attr",
}

// nunjucksOps rewrites nunjucks' strict comparison operators, which Jinja spells without
// the third '='; the engine's own parser does the rest.
var nunjucksOps = strings.NewReplacer("!==", "!=", "===", "==")

// exprPattern finds the `${{ … }}` expressions of a string.
var exprPattern = regexp.MustCompile(`\$\{\{[\s\S]*?\}\}`)

// RenderString renders s with vars in scope.
func (r *Renderer) RenderString(s string, vars map[string]any) (out string, err error) {
	// The engine is a library fed with template text from outside: a panic in it fails
	// this render, not the worker.
	defer func() {
		if p := recover(); p != nil {
			out, err = "", fmt.Errorf("%w: engine panic: %v", errkindf("template %q cannot be rendered", truncate(s, 80)), p)
		}
	}()
	if !strings.Contains(s, "{{") && !strings.Contains(s, "{%") {
		return s, nil
	}
	src := exprPattern.ReplaceAllStringFunc(s, nunjucksOps.Replace)
	loader, err := loaders.NewMemoryLoader(map[string]string{templateName: src})
	if err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	tpl, err := exec.NewTemplate(templateName, r.cfg, loader, r.env)
	if err != nil {
		return "", fmt.Errorf("%w: %s", errkindf("template %q cannot be parsed", truncate(s, 80)), oneLine(err))
	}
	w := &limitWriter{max: maxRenderBytes}
	if err := tpl.Execute(w, exec.NewContext(vars)); err != nil {
		if errors.Is(err, errTooBig) {
			return "", errkindf("template %q: output larger than %d bytes", truncate(s, 80), maxRenderBytes)
		}
		return "", fmt.Errorf("%w: %s", errkindf("template %q cannot be evaluated: %s", truncate(s, 80), lastCause(err)), oneLine(err))
	}
	return w.buf.String(), nil
}

// single matches a string that is one expression and nothing else.
var single = regexp.MustCompile(`^\s*\$\{\{([\s\S]*?)\}\}\s*$`)

// RenderValue renders every string inside v (maps and lists recursively). Like Backstage, a
// string that is exactly one expression keeps the expression's type (a list stays a list,
// true stays a boolean), and one that renders empty becomes nil.
func (r *Renderer) RenderValue(v any, vars map[string]any) (any, error) {
	switch t := v.(type) {
	case string:
		if m := single.FindStringSubmatch(t); m != nil && !strings.Contains(m[1], "}}") {
			out, err := r.RenderString("${{ ("+m[1]+") | dump }}", vars)
			if err != nil {
				// Some expressions (an if without else) cannot be wrapped; render them
				// as text and read the text as JSON where it is JSON, as Backstage does.
				if out, err = r.RenderString(t, vars); err != nil {
					return nil, err
				}
			}
			if out == "" {
				return nil, nil
			}
			var val any
			if json.Unmarshal([]byte(out), &val) != nil {
				return out, nil
			}
			return val, nil
		}
		return r.RenderString(t, vars)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			rv, err := r.RenderValue(e, vars)
			if err != nil {
				return nil, err
			}
			out[k] = rv
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			rv, err := r.RenderValue(e, vars)
			if err != nil {
				return nil, err
			}
			out[i] = rv
		}
		return out, nil
	}
	return v, nil
}

var errTooBig = errors.New("output too large")

// limitWriter keeps at most max bytes and then fails.
type limitWriter struct {
	buf bytes.Buffer
	max int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.max {
		return 0, errTooBig
	}
	return w.buf.Write(p)
}

var _ io.Writer = (*limitWriter)(nil)

// lastCause is the innermost reason of an engine error ("Can't use Getitem on None").
func lastCause(err error) string {
	var own *errkind.Error
	if errors.As(err, &own) {
		return own.Msg
	}
	msg := strings.TrimSuffix(strings.Join(strings.Fields(err.Error()), " "), ": "+ErrInvalid.Error())
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return truncate(msg, 200)
}

func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	return truncate(s, 300)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
