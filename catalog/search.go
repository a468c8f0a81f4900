package catalog

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nextportal/portal/internal/errkind"
)

// Limits of Backstage's search table: longer keys are not indexed at all, longer values are
// indexed as "present" only (Value nil).
const (
	maxSearchKeyLen   = 200
	maxSearchValueLen = 200
)

// searchSpecialKeys are left out of the generic flattening: relations and status are not
// search rows here (the store matches relations.<type> against its relations table), and
// name, namespace and uid are added explicitly below.
var searchSpecialKeys = map[string]bool{
	"attachments": true, "relations": true, "status": true,
	"metadata.name": true, "metadata.namespace": true, "metadata.uid": true, "metadata.etag": true,
}

type kv struct {
	key   string
	value *string // nil for JSON null
}

// SearchRows flattens an entity into its search rows the way Backstage's buildEntitySearch
// does: dotted keys, every array item under the array's key plus "<key>.<item>" = "true" for
// string items, the namespace defaulted, keys and values lowercased with OriginalValue kept,
// values over 200 characters stored with a nil Value. It includes a metadata.uid row when the
// entity has a uid (a freshly read entity has none; the store adds that row once it assigns
// one). It also adds the derived rows that make visibility a filter: one
// SearchKeyVisibility row with the normalised visibility, and a SearchKeyVisibilityGroups row
// per allowed group. It fails, like Backstage, when two keys differ only in case.
func SearchRows(e *Entity) ([]SearchRow, error) {
	b, err := json.Marshal(entityForHash(e))
	if err != nil {
		return nil, fmt.Errorf("flatten entity %s: %w", e.Ref(), err)
	}
	return searchRowsOf(e, b)
}

// searchRowsOf is SearchRows given b, the JSON encoding of entityForHash(e).
func searchRowsOf(e *Entity, b []byte) ([]SearchRow, error) {
	root, ok := jsonTree(e)
	if !ok {
		if err := json.Unmarshal(b, &root); err != nil {
			return nil, fmt.Errorf("flatten entity %s: %w", e.Ref(), err)
		}
	}
	var out []kv
	seenPathKeys := map[string]bool{}
	traverseSearch("", root, &out, seenPathKeys)
	name := e.Metadata.Name
	out = append(out, kv{"metadata.name", &name})
	ns := e.Metadata.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	out = append(out, kv{"metadata.namespace", &ns})
	if uid := e.Metadata.UID; uid != "" {
		out = append(out, kv{"metadata.uid", &uid})
	}
	out = append(out, visibilityRows(e)...)
	if err := checkKeyCase(out); err != nil {
		return nil, fmt.Errorf("flatten entity %s: %w", e.Ref(), err)
	}
	return toSearchRows(out), nil
}

// jsonTree returns entityForHash(e) as json.Unmarshal decodes its JSON encoding into a
// map[string]any, built directly (decoding the encoding again was a fifth of an import's
// processing), and true; or false when e holds what that round trip changes (a spec value
// of a type JSON does not decode to, or a string that is not valid UTF-8), for the caller
// to decode the encoding instead.
func jsonTree(e *Entity) (map[string]any, bool) {
	m := e.Metadata
	md := map[string]any{"name": m.Name}
	setNonEmpty(md, "namespace", m.Namespace)
	setNonEmpty(md, "title", m.Title)
	setNonEmpty(md, "description", m.Description)
	setStringMap(md, "labels", m.Labels)
	setStringMap(md, "annotations", m.Annotations)
	if len(m.Tags) > 0 {
		tags := make([]any, len(m.Tags))
		for i, t := range m.Tags {
			tags[i] = t
		}
		md["tags"] = tags
	}
	if len(m.Links) > 0 {
		links := make([]any, len(m.Links))
		for i, l := range m.Links {
			lm := map[string]any{"url": l.URL}
			setNonEmpty(lm, "title", l.Title)
			setNonEmpty(lm, "icon", l.Icon)
			setNonEmpty(lm, "type", l.Type)
			links[i] = lm
		}
		md["links"] = links
	}
	root := map[string]any{"apiVersion": e.APIVersion, "kind": e.Kind, "metadata": md}
	if len(e.Spec) > 0 {
		root["spec"] = e.Spec
	}
	return root, jsonNormal(root)
}

// setNonEmpty sets m[k] to v unless v is empty (a string field tagged omitempty).
func setNonEmpty(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// setStringMap sets m[k] to v as JSON decodes it unless v is empty (omitempty).
func setStringMap(m map[string]any, k string, v map[string]string) {
	if len(v) == 0 {
		return
	}
	vm := make(map[string]any, len(v))
	for vk, vv := range v {
		vm[vk] = vv
	}
	m[k] = vm
}

// jsonNormal reports whether v decodes from its JSON encoding as itself: it holds only
// what json.Unmarshal makes (nil, bool, finite float64, string, []any, map[string]any), and
// only valid UTF-8 (json.Marshal replaces the rest).
func jsonNormal(v any) bool {
	switch t := v.(type) {
	case nil, bool:
		return true
	case float64:
		return !math.IsNaN(t) && !math.IsInf(t, 0)
	case string:
		return utf8.ValidString(t)
	case []any:
		for _, x := range t {
			if !jsonNormal(x) {
				return false
			}
		}
		return true
	case map[string]any:
		for k, x := range t {
			if !utf8.ValidString(k) || !jsonNormal(x) {
				return false
			}
		}
		return true
	}
	return false
}

// traverseSearch appends the leaves of v under path to out.
func traverseSearch(path string, v any, out *[]kv, seenPathKeys map[string]bool) {
	if searchSpecialKeys[path] {
		return
	}
	switch t := v.(type) {
	case nil:
		*out = append(*out, kv{path, nil})
	case string:
		*out = append(*out, kv{path, &t})
	case bool:
		s := strconv.FormatBool(t)
		*out = append(*out, kv{path, &s})
	case float64:
		s := strconv.FormatFloat(t, 'f', -1, 64)
		*out = append(*out, kv{path, &s})
	case []any:
		for _, item := range t {
			traverseSearch(path, item, out, seenPathKeys)
			if s, ok := item.(string); ok {
				pk := path + "." + s
				if lk := strings.ToLower(pk); !seenPathKeys[lk] {
					seenPathKeys[lk] = true
					yes := "true"
					*out = append(*out, kv{pk, &yes})
				}
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			traverseSearch(p, t[k], out, seenPathKeys)
		}
	}
}

// checkKeyCase rejects keys that differ only in case, such as spec.foo and spec.Foo.
func checkKeyCase(rows []kv) error {
	byLower := make(map[string]string, len(rows))
	var bad []string
	for _, r := range rows {
		lk := strings.ToLower(r.key)
		if prev, ok := byLower[lk]; ok && prev != r.key {
			bad = append(bad, fmt.Sprintf("%q and %q", prev, r.key))
			continue
		}
		byLower[lk] = r.key
	}
	if len(bad) > 0 {
		return errkind.Errorf(ErrInvalid, "entity has keys that differ only in case: %s", strings.Join(bad, ", "))
	}
	return nil
}

// toSearchRows lowercases, applies the length limits and drops duplicate (key, value) pairs.
func toSearchRows(in []kv) []SearchRow {
	out := make([]SearchRow, 0, len(in))
	// A row without a value differs from one with an empty value.
	type pair struct {
		key      string
		hasValue bool
		value    string
	}
	seen := make(map[pair]bool, len(in))
	for _, r := range in {
		key := strings.ToLower(r.key)
		if len(key) > maxSearchKeyLen {
			continue
		}
		row := SearchRow{Key: key}
		dedup := pair{key: key}
		if r.value != nil && len(*r.value) <= maxSearchValueLen {
			orig := *r.value
			low := strings.ToLower(orig)
			row.Value, row.OriginalValue = &low, &orig
			dedup.hasValue, dedup.value = true, low
		}
		if seen[dedup] {
			continue
		}
		seen[dedup] = true
		out = append(out, row)
	}
	return out
}
