package scaffolder

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

func fetchActions() []*Action {
	urlProp := prop("string", "Fetch URL: relative to the template's folder, or a path inside a registered file location")
	target := prop("string", "Target path within the working directory")
	return []*Action{
		{
			ID: "fetch:plain", Description: "Downloads content and places it in the workspace, or optionally in a subdirectory specified by the `targetPath` input option.",
			Schema:         ActionSchema{Input: obj(map[string]any{"url": urlProp, "targetPath": target}, "url")},
			SupportsDryRun: true, Handler: fetchPlain(false),
		},
		{
			ID: "fetch:plain:file", Description: "Downloads single file and places it in the workspace.",
			Schema:         ActionSchema{Input: obj(map[string]any{"url": urlProp, "targetPath": target}, "url", "targetPath")},
			SupportsDryRun: true, Handler: fetchPlain(true),
		},
		{
			ID: "fetch:template", Description: "Downloads a skeleton, templates variables into file and directory names and content, and places the result in the workspace, or optionally in a subdirectory specified by the `targetPath` input option.",
			Schema: ActionSchema{Input: obj(map[string]any{
				"url": urlProp, "targetPath": target,
				"values":                prop("object", "Values to pass on to the templating engine"),
				"copyWithoutRender":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "[Deprecated] Use copyWithoutTemplating instead"},
				"copyWithoutTemplating": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "Globs of files to copy without templating"},
				"cookiecutterCompat":    prop("boolean", "Enable features to maximise compatibility with templates built for fetch:cookiecutter"),
				"templateFileExtension": map[string]any{"type": []any{"string", "boolean"}, "title": "Only template files with this extension (true means .njk) and remove it"},
				"replace":               prop("boolean", "Replace files in the target path that exist already"),
			}, "url")},
			SupportsDryRun: true, Handler: fetchTemplate(false),
		},
		{
			ID: "fetch:template:file", Description: "Downloads a single file and templates variables into it, placing the result in the workspace.",
			Schema: ActionSchema{Input: obj(map[string]any{
				"url": urlProp, "targetPath": target,
				"values":             prop("object", "Values to pass on to the templating engine"),
				"cookiecutterCompat": prop("boolean", "Enable features to maximise compatibility with templates built for fetch:cookiecutter"),
				"replace":            prop("boolean", "Replace the file if it exists"),
			}, "url", "targetPath")},
			SupportsDryRun: true, Handler: fetchTemplate(true),
		},
	}
}

// resolveSource maps a fetch URL to a folder opened as a root and a path inside it: a
// relative URL is read from the template's folder, an absolute path or file: URL from a
// registered file location. Anything remote is refused: the portal works offline.
func (ac *ActionContext) resolveSource(raw string) (base, sub string, err error) {
	u := strings.TrimSpace(raw)
	if strings.Contains(u, "://") && !strings.HasPrefix(u, "file://") {
		return "", "", errkindf("fetch %s: only the template's own folder or a registered file location can be fetched, not remote URLs", truncate(u, 200))
	}
	u = strings.TrimPrefix(u, "file://")
	var abs string
	if filepath.IsAbs(u) {
		abs = filepath.Clean(u)
	} else {
		if ac.Template.Dir == "" {
			return "", "", errkindf("fetch %s: the template has no folder to resolve a relative URL against", truncate(u, 200))
		}
		abs = filepath.Join(ac.Template.Dir, filepath.FromSlash(u))
	}
	roots := append([]string{ac.Template.Dir}, ac.svc.cfg.FileRoots...)
	for _, r := range roots {
		if r == "" {
			continue
		}
		rel, err := filepath.Rel(r, abs)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return r, filepath.ToSlash(rel), nil
		}
	}
	return "", "", errkindf("fetch %s: path is outside the template folder and every registered file location", truncate(raw, 200))
}

// fetchInput reads what a fetch action's url names (one file when single) and its cleaned
// targetPath inside the workspace.
func (ac *ActionContext) fetchInput(single bool) ([]sourceFile, string, error) {
	base, sub, err := ac.resolveSource(ac.str("url", ""))
	if err != nil {
		return nil, "", err
	}
	files, err := readSource(base, sub, single)
	if err != nil {
		return nil, "", err
	}
	target, err := cleanRel(ac.str("targetPath", "."))
	if err != nil {
		return nil, "", err
	}
	return files, target, nil
}

func fetchPlain(single bool) func(context.Context, *ActionContext) error {
	return func(ctx context.Context, ac *ActionContext) error {
		files, target, err := ac.fetchInput(single)
		if err != nil {
			return err
		}
		ac.Log("Fetching plain content from %s", ac.str("url", ""))
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			dst := path.Join(target, f.rel)
			if single {
				dst = target
			}
			if err := ac.Workspace.WriteFile(dst, f.data, f.mode); err != nil {
				return err
			}
		}
		return nil
	}
}

func fetchTemplate(single bool) func(context.Context, *ActionContext) error {
	return func(ctx context.Context, ac *ActionContext) error {
		files, target, err := ac.fetchInput(single)
		if err != nil {
			return err
		}
		values, _ := ac.Input["values"].(map[string]any)
		if values == nil {
			values = map[string]any{}
		}
		cookie, _ := ac.Input["cookiecutterCompat"].(bool)
		vars := map[string]any{"values": values}
		r := ac.svc.renderer
		if cookie {
			vars["cookiecutter"] = values
			r = ac.svc.cookieRenderer
		}
		ext := ""
		switch e := ac.Input["templateFileExtension"].(type) {
		case bool:
			if e {
				ext = ".njk"
			}
		case string:
			ext = e
			if ext != "" && !strings.HasPrefix(ext, ".") {
				ext = "." + ext
			}
		}
		var verbatim []*regexp.Regexp
		for _, key := range []string{"copyWithoutRender", "copyWithoutTemplating"} {
			globs, _ := ac.Input[key].([]any)
			for _, g := range globs {
				if s, ok := g.(string); ok {
					verbatim = append(verbatim, globRegexp(s))
				}
			}
		}
		ac.Log("Fetching template content from %s", ac.str("url", ""))
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			dst, data, err := renderFile(r, f, vars, ext, verbatim)
			if err != nil {
				return err
			}
			if dst == "" {
				continue
			}
			dst = path.Join(target, dst)
			if single {
				dst = target
			}
			if err := ac.Workspace.WriteFile(dst, data, f.mode); err != nil {
				return err
			}
		}
		ac.Log("Template result written to %s", target)
		return nil
	}
}

// renderFile renders one skeleton file's path and contents. An empty path means skip the
// file (its templated name rendered empty, as Backstage does).
func renderFile(r *Renderer, f sourceFile, vars map[string]any, ext string, verbatim []*regexp.Regexp) (string, []byte, error) {
	for _, re := range verbatim {
		if re.MatchString(f.rel) || re.MatchString("./"+f.rel) {
			return f.rel, f.data, nil
		}
	}
	dst, err := r.RenderString(f.rel, vars)
	if err != nil {
		return "", nil, err
	}
	if dst == "" || strings.HasSuffix(dst, "/") {
		return "", nil, nil
	}
	render := !isBinary(f.data)
	if ext != "" {
		render = render && strings.HasSuffix(dst, ext)
		dst = strings.TrimSuffix(dst, ext)
	}
	if !render {
		return dst, f.data, nil
	}
	out, err := r.RenderString(string(f.data), vars)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", errkindf("file %s cannot be rendered: %s", f.rel, lastCause(err)), err)
	}
	return dst, []byte(out), nil
}

// isBinary reports whether data looks binary: a NUL byte in its first 8000 bytes.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

// globRegexp turns a glob ("**" any folders, "*" within one, "?" one character) into a
// regexp over slash-separated paths.
func globRegexp(g string) *regexp.Regexp {
	g = strings.TrimPrefix(g, "./")
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(g); i++ {
		switch c := g[i]; c {
		case '*':
			if i+1 < len(g) && g[i+1] == '*' {
				b.WriteString(".*")
				i++
				if i+1 < len(g) && g[i+1] == '/' {
					i++
					b.WriteString("/?")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
