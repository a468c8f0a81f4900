package api

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// entityJSON is an entity as Backstage returns it: relations always present, as an empty
// array when there are none.
type entityJSON struct {
	catalog.Entity
	Relations []catalog.Relation `json:"relations"`
}

// outEntity prepares e for a response, projecting it onto fields when any are given.
// metadata.generation stays internal: Backstage's catalog API does not return it.
func outEntity(e catalog.Entity, fields []string) any {
	e.Metadata.Generation = 0
	rel := e.Relations
	if rel == nil {
		rel = []catalog.Relation{}
	}
	full := entityJSON{Entity: e, Relations: rel}
	if len(fields) == 0 {
		return full
	}
	return project(full, fields)
}

// outEntities prepares a list of entities for a response.
func outEntities(es []catalog.Entity, fields []string) []any {
	out := make([]any, len(es))
	for i, e := range es {
		out[i] = outEntity(e, fields)
	}
	return out
}

// project keeps only the given dotted paths of v's JSON form, like Backstage's fields
// parameter: "metadata.name,spec" keeps metadata.name and the whole spec. Paths that do
// not exist are left out.
func project(v any, fields []string) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // entities always marshal
	}
	var src map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&src); err != nil {
		panic(err)
	}
	out := map[string]any{}
	for _, f := range fields {
		copyPath(src, out, strings.Split(f, "."))
	}
	return out
}

func copyPath(src, dst map[string]any, path []string) {
	val, ok := src[path[0]]
	if !ok {
		return
	}
	if len(path) == 1 {
		dst[path[0]] = val
		return
	}
	sub, ok := val.(map[string]any)
	if !ok || !hasPath(sub, path[1:]) {
		return
	}
	d, ok := dst[path[0]].(map[string]any)
	if !ok {
		d = map[string]any{}
		dst[path[0]] = d
	}
	copyPath(sub, d, path[1:])
}

func hasPath(m map[string]any, path []string) bool {
	val, ok := m[path[0]]
	if !ok || len(path) == 1 {
		return ok
	}
	sub, ok := val.(map[string]any)
	return ok && hasPath(sub, path[1:])
}
