package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// placeholderKinds are the substitutions Backstage's PlaceholderProcessor knows. $openapi and
// $asyncapi are read as text (their $ref bundling is not done).
var placeholderKinds = map[string]bool{"$text": true, "$json": true, "$yaml": true, "$openapi": true, "$asyncapi": true}

// resolvePlaceholders replaces every {$text: path}, {$json: path} and {$yaml: path} object in
// v with the content of the file, resolved relative to dir. Missing or unparsable files are
// recorded as problems; a path outside the roots is an ErrForbidden error. Remote URLs are
// not fetched (the catalog has no URL reader): the placeholder becomes the URL string.
func (r *reader) resolvePlaceholders(c *checker, v any, dir string, path fieldPath) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, target := range t {
				if s, ok := target.(string); ok && placeholderKinds[k] {
					return r.substitute(c, k, s, dir, path)
				}
			}
		}
		for k, x := range t {
			nv, err := r.resolvePlaceholders(c, x, dir, path.with(k))
			if err != nil {
				return nil, err
			}
			t[k] = nv
		}
		return t, nil
	case []any:
		for i, x := range t {
			nv, err := r.resolvePlaceholders(c, x, dir, path.with(i))
			if err != nil {
				return nil, err
			}
			t[i] = nv
		}
		return t, nil
	}
	return v, nil
}

// substitute reads one placeholder's file and returns the value that replaces it.
func (r *reader) substitute(c *checker, kind, target, dir string, path fieldPath) (any, error) {
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		return target, nil
	}
	p := strings.TrimPrefix(target, "file:")
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	real, err := r.roots.resolve(p)
	if errors.Is(err, fs.ErrNotExist) {
		c.add(path, fmt.Sprintf("%s placeholder: %s does not exist", kind, p))
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s placeholder at %s: %w", kind, path, err)
	}
	c.contents = append(c.contents, contentUse{field: path, what: kind + " " + target, real: real})
	data, err := readLimited(real)
	if err != nil {
		c.add(path, fmt.Sprintf("%s placeholder: %v", kind, err))
		return nil, nil
	}
	switch kind {
	case "$json":
		var out any
		if err := json.Unmarshal(data, &out); err != nil {
			c.add(path, fmt.Sprintf("$json placeholder: %s is not valid JSON: %v", p, err))
			return nil, nil
		}
		return out, nil
	case "$yaml":
		var out any
		if err := yaml.Unmarshal(data, &out); err != nil {
			c.add(path, fmt.Sprintf("$yaml placeholder: %s is not valid YAML: %v", p, err))
			return nil, nil
		}
		return normalizeYAML(out), nil
	}
	return string(data), nil
}
