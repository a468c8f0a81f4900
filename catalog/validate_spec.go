package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// fieldType is the JSON shape a spec field must have.
type fieldType int

const (
	tString fieldType = iota
	tStringList
	tObject
	tList
	tObjectOrList
)

// specField is one spec field a core kind knows.
type specField struct {
	name     string
	typ      fieldType
	required bool
}

// kindRule is what Backstage's per-kind JSON schema requires of a core kind.
type kindRule struct {
	apiVersions []string
	fields      []specField
}

var backstageVersions = []string{"backstage.io/v1alpha1", "backstage.io/v1beta1"}

// coreKinds are the nine kinds the catalog accepts, with their spec rules taken from
// catalog-model's kinds/*.v1alpha1.schema.json and the scaffolder's Template v1beta3 schema.
var coreKinds = map[string]kindRule{
	"Component": {backstageVersions, []specField{
		{"type", tString, true}, {"lifecycle", tString, true}, {"owner", tString, true},
		{"subcomponentOf", tString, false}, {"system", tString, false},
		{"providesApis", tStringList, false}, {"consumesApis", tStringList, false},
		{"dependsOn", tStringList, false}, {"dependencyOf", tStringList, false},
	}},
	"API": {backstageVersions, []specField{
		{"type", tString, true}, {"lifecycle", tString, true}, {"owner", tString, true},
		{"definition", tString, true}, {"system", tString, false},
	}},
	"Resource": {backstageVersions, []specField{
		{"type", tString, true}, {"owner", tString, true}, {"system", tString, false},
		{"dependsOn", tStringList, false}, {"dependencyOf", tStringList, false},
	}},
	"System": {backstageVersions, []specField{
		{"owner", tString, true}, {"domain", tString, false}, {"type", tString, false},
	}},
	"Domain": {backstageVersions, []specField{
		{"owner", tString, true}, {"subdomainOf", tString, false}, {"type", tString, false},
	}},
	"Group": {backstageVersions, []specField{
		{"type", tString, true}, {"children", tStringList, true}, {"parent", tString, false},
		{"members", tStringList, false}, {"profile", tObject, false},
	}},
	"User": {backstageVersions, []specField{
		{"memberOf", tStringList, false}, {"profile", tObject, false},
	}},
	"Location": {backstageVersions, []specField{
		{"type", tString, false}, {"target", tString, false}, {"targets", tStringList, false},
		{"presence", tString, false},
	}},
	"Template": {[]string{"scaffolder.backstage.io/v1beta3"}, []specField{
		{"type", tString, true}, {"steps", tList, true}, {"parameters", tObjectOrList, false},
		{"owner", tString, false},
	}},
}

// CoreKinds returns the names of the kinds the catalog accepts, sorted.
func CoreKinds() []string {
	out := make([]string, 0, len(coreKinds))
	for k := range coreKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// validateSpec checks the apiVersion and spec of a core kind and rejects any other kind.
func validateSpec(c *checker, kind, apiVersion string, raw map[string]any) {
	rule, ok := coreKinds[kind]
	if !ok {
		msg := fmt.Sprintf("%q is not a supported kind; supported kinds are %s", kind, strings.Join(CoreKinds(), ", "))
		for k := range coreKinds {
			if strings.EqualFold(k, kind) {
				msg = fmt.Sprintf("%q is not a supported kind (kinds are case-sensitive: did you mean %q?)", kind, k)
			}
		}
		c.add(fieldPath{"kind"}, msg)
		return
	}
	if apiVersion != "" && !slices.Contains(rule.apiVersions, apiVersion) {
		c.add(fieldPath{"apiVersion"}, fmt.Sprintf("%q is not valid for kind %s (expected %s)", apiVersion, kind, strings.Join(rule.apiVersions, " or ")))
	}
	p := fieldPath{"spec"}
	v, present := raw["spec"]
	if !present || v == nil {
		c.add(p, "is required for kind "+kind)
		return
	}
	spec, ok := v.(map[string]any)
	if !ok {
		c.add(p, "must be an object")
		return
	}
	for _, f := range rule.fields {
		checkSpecField(c, spec, p.with(f.name), f)
	}
	if kind == "Location" {
		validateLocationSpec(c, spec, p)
	}
	md, _ := raw["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	checkRelationRefs(c, kind, ns, spec)
}

// checkRelationRefs checks that every entity reference in the spec parses, with the same
// default kind and namespace relation inference uses.
func checkRelationRefs(c *checker, kind, ns string, spec map[string]any) {
	for _, rf := range relationFields {
		if rf.kind != kind {
			continue
		}
		p := fieldPath{"spec", rf.field}
		switch v := spec[rf.field].(type) {
		case string:
			if _, err := ParseRef(v, rf.defaultKind, ns); v != "" && err != nil {
				c.add(p, refProblem(v, rf.defaultKind))
			}
		case []any:
			for i, item := range v {
				s, ok := item.(string)
				if _, err := ParseRef(s, rf.defaultKind, ns); ok && err != nil {
					c.add(p.with(i), refProblem(s, rf.defaultKind))
				}
			}
		}
	}
}

// checkSpecField checks one field against its rule.
func checkSpecField(c *checker, spec map[string]any, p fieldPath, f specField) {
	switch f.typ {
	case tString:
		checkString(c, spec, p, f.required)
	case tStringList:
		checkStringList(c, spec, p, f.required)
	default:
		v, present := spec[f.name]
		if !present || v == nil {
			if f.required {
				c.add(p, "is required")
			}
			return
		}
		_, isObj := v.(map[string]any)
		_, isList := v.([]any)
		switch {
		case f.typ == tObject && !isObj:
			c.add(p, fmt.Sprintf("must be an object, not %s", typeName(v)))
		case f.typ == tList && !isList:
			c.add(p, fmt.Sprintf("must be a list, not %s", typeName(v)))
		case f.typ == tObjectOrList && !isObj && !isList:
			c.add(p, fmt.Sprintf("must be an object or a list, not %s", typeName(v)))
		}
	}
}

// validateLocationSpec checks what a Location needs beyond field types.
func validateLocationSpec(c *checker, spec map[string]any, p fieldPath) {
	target, _ := spec["target"].(string)
	targets, _ := spec["targets"].([]any)
	if target == "" && len(targets) == 0 {
		c.add(p, "of a Location needs target or targets")
	}
	if pr, ok := spec["presence"].(string); ok && pr != "required" && pr != "optional" {
		c.add(p.with("presence"), fmt.Sprintf("%q must be \"required\" or \"optional\"", pr))
	}
}
