package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// checker collects the problems of one entity document, placing each at the file and line
// of the field it concerns.
type checker struct {
	file   string
	doc    *yaml.Node // the YAML document, for line numbers; nil for JSON input
	entity string     // the entity's ref, once known
	list   []Problem
	// contents are the files the document's placeholders read.
	contents []contentUse
}

// add records a problem about the field at path. msg follows the field name, so it reads
// "spec.owner is required".
func (c *checker) add(path fieldPath, msg string) {
	field := path.String()
	text := msg
	if field != "" {
		text = field + " " + msg
	}
	c.list = append(c.list, Problem{
		File: c.file, Line: lineOf(c.doc, path), Entity: c.entity, Field: field, Message: text,
	})
}

// rootFields are the only top-level fields an entity may have (Backstage's
// NoForeignRootFieldsEntityPolicy).
var rootFields = []string{"apiVersion", "kind", "metadata", "spec", "relations", "status"}

// validateRaw checks an entity document against Backstage's rules for the envelope, the
// metadata and, for the core kinds, the spec. It appends to c.list.
func validateRaw(c *checker, raw map[string]any) {
	c.entity = rawRef(raw)
	for _, k := range sortedKeys(raw) {
		if !slices.Contains(rootFields, k) {
			c.add(fieldPath{k}, "is not allowed at the top level of an entity (allowed: "+strings.Join(rootFields, ", ")+")")
		}
	}
	apiVersion, _ := checkString(c, raw, fieldPath{"apiVersion"}, true)
	if apiVersion != "" && !isValidAPIVersion(apiVersion) {
		c.add(fieldPath{"apiVersion"}, fmt.Sprintf("%q is not a valid apiVersion (expected group/version, e.g. backstage.io/v1alpha1)", apiVersion))
	}
	kind, _ := checkString(c, raw, fieldPath{"kind"}, true)
	if kind != "" && !IsValidKind(kind) {
		c.add(fieldPath{"kind"}, fmt.Sprintf("%q is not a valid kind (letters and digits, starting with a letter, at most 63)", kind))
	}
	validateMetadata(c, raw["metadata"])
	if kind != "" {
		validateSpec(c, kind, apiVersion, raw)
	}
}

// validateMetadata checks the metadata block.
func validateMetadata(c *checker, v any) {
	p := fieldPath{"metadata"}
	if v == nil {
		c.add(p, "is required")
		return
	}
	md, ok := v.(map[string]any)
	if !ok {
		c.add(p, "must be an object")
		return
	}
	if name, ok := checkString(c, md, p.with("name"), true); ok && name != "" && !IsValidEntityName(name) {
		c.add(p.with("name"), fmt.Sprintf("%q is not a valid name: use letters, digits and single '-', '_' or '.' between them, at most 63 characters", name))
	}
	if ns, ok := checkString(c, md, p.with("namespace"), false); ok && ns != "" && !IsValidNamespace(ns) {
		c.add(p.with("namespace"), fmt.Sprintf("%q is not a valid namespace: use lowercase letters, digits and single '-' between them, at most 63 characters", ns))
	}
	checkString(c, md, p.with("title"), false)
	checkString(c, md, p.with("description"), false)
	validateStringMap(c, md, p.with("labels"), isValidLabelValue, "a valid label value (empty, or letters and digits separated by '-', '_' or '.', at most 63)")
	validateStringMap(c, md, p.with("annotations"), nil, "")
	if tags, ok := checkStringList(c, md, p.with("tags"), false); ok {
		for i, t := range tags {
			if !IsValidTag(t) {
				c.add(p.with("tags", i), fmt.Sprintf("%q is not a valid tag: use lowercase letters, digits and ':+#' in runs separated by single '-', at most 63", t))
			}
		}
	}
	validateLinks(c, md, p.with("links"))
}

// validateStringMap checks labels or annotations: an object of string values with valid keys,
// and values accepted by valueOK when it is set.
func validateStringMap(c *checker, parent map[string]any, p fieldPath, valueOK func(string) bool, valueDesc string) {
	v, present := parent[p[len(p)-1].(string)]
	if !present || v == nil {
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.add(p, "must be an object of string values")
		return
	}
	for _, k := range sortedKeys(m) {
		kp := p.with(k)
		if !isValidMetadataKey(k) {
			c.add(kp, "is not a valid key: use an optional DNS-subdomain prefix and '/', then letters and digits separated by '-', '_' or '.'")
		}
		s, ok := m[k].(string)
		if !ok {
			c.add(kp, "must be a string")
			continue
		}
		if valueOK != nil && !valueOK(s) {
			c.add(kp, fmt.Sprintf("value %q is not %s", s, valueDesc))
		}
	}
}

// validateLinks checks metadata.links: a list of objects, each with a url.
func validateLinks(c *checker, md map[string]any, p fieldPath) {
	v, present := md["links"]
	if !present || v == nil {
		return
	}
	list, ok := v.([]any)
	if !ok {
		c.add(p, "must be a list of links")
		return
	}
	for i, item := range list {
		lp := p.with(i)
		link, ok := item.(map[string]any)
		if !ok {
			c.add(lp, "must be an object with a url")
			continue
		}
		if u, ok := checkString(c, link, lp.with("url"), true); ok && u == "" {
			c.add(lp.with("url"), "must not be empty")
		}
		for _, f := range []string{"title", "icon", "type"} {
			checkString(c, link, lp.with(f), false)
		}
	}
}

// checkString reads the string field named by p's last segment from parent. It records a
// problem when the field is missing (and required) or not a string, and reports whether a
// string was there.
func checkString(c *checker, parent map[string]any, p fieldPath, required bool) (string, bool) {
	v, present := parent[p[len(p)-1].(string)]
	if !present || v == nil {
		if required {
			c.add(p, "is required")
		}
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		c.add(p, fmt.Sprintf("must be a string, not %s", typeName(v)))
		return "", false
	}
	if required && s == "" {
		c.add(p, "must not be empty")
	}
	return s, true
}

// checkStringList reads a list of strings the way checkString reads a string.
func checkStringList(c *checker, parent map[string]any, p fieldPath, required bool) ([]string, bool) {
	v, present := parent[p[len(p)-1].(string)]
	if !present || v == nil {
		if required {
			c.add(p, "is required (a list, possibly empty)")
		}
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		c.add(p, fmt.Sprintf("must be a list of strings, not %s", typeName(v)))
		return nil, false
	}
	out := make([]string, 0, len(list))
	for i, item := range list {
		s, ok := item.(string)
		if !ok {
			c.add(p.with(i), fmt.Sprintf("must be a string, not %s", typeName(item)))
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// typeName names a decoded YAML/JSON value's type for messages.
func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	default:
		return "a number"
	}
}

// rawRef returns the canonical ref of a raw entity, or "" when kind or name is missing.
func rawRef(raw map[string]any) string {
	kind, _ := raw["kind"].(string)
	md, _ := raw["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	ns, _ := md["namespace"].(string)
	if kind == "" || name == "" {
		return ""
	}
	return Ref{Kind: kind, Namespace: ns, Name: name}.String()
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
