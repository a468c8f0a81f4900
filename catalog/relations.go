package catalog

import (
	"fmt"
	"sort"
)

// Relation types, as Backstage names them.
const (
	RelationOwnedBy       = "ownedBy"
	RelationOwnerOf       = "ownerOf"
	RelationPartOf        = "partOf"
	RelationHasPart       = "hasPart"
	RelationProvidesAPI   = "providesApi"
	RelationAPIProvidedBy = "apiProvidedBy"
	RelationConsumesAPI   = "consumesApi"
	RelationAPIConsumedBy = "apiConsumedBy"
	RelationDependsOn     = "dependsOn"
	RelationDependencyOf  = "dependencyOf"
	RelationChildOf       = "childOf"
	RelationParentOf      = "parentOf"
	RelationHasMember     = "hasMember"
	RelationMemberOf      = "memberOf"
)

// relationField is one spec field that names other entities: each target yields the
// relation Forward from the entity to the target and Reverse from the target back.
// DefaultKind is the kind of a target written without one ("" means the kind is required).
type relationField struct {
	kind, field, defaultKind, forward, reverse string
}

// relationFields mirrors Backstage's BuiltinKindsEntityProcessor (and the scaffolder's
// template processor for Template owners).
var relationFields = []relationField{
	{"Component", "owner", "Group", RelationOwnedBy, RelationOwnerOf},
	{"Component", "subcomponentOf", "Component", RelationPartOf, RelationHasPart},
	{"Component", "providesApis", "API", RelationProvidesAPI, RelationAPIProvidedBy},
	{"Component", "consumesApis", "API", RelationConsumesAPI, RelationAPIConsumedBy},
	{"Component", "dependsOn", "", RelationDependsOn, RelationDependencyOf},
	{"Component", "dependencyOf", "", RelationDependencyOf, RelationDependsOn},
	{"Component", "system", "System", RelationPartOf, RelationHasPart},
	{"API", "owner", "Group", RelationOwnedBy, RelationOwnerOf},
	{"API", "system", "System", RelationPartOf, RelationHasPart},
	{"Resource", "owner", "Group", RelationOwnedBy, RelationOwnerOf},
	{"Resource", "dependsOn", "", RelationDependsOn, RelationDependencyOf},
	{"Resource", "dependencyOf", "", RelationDependencyOf, RelationDependsOn},
	{"Resource", "system", "System", RelationPartOf, RelationHasPart},
	{"System", "owner", "Group", RelationOwnedBy, RelationOwnerOf},
	{"System", "domain", "Domain", RelationPartOf, RelationHasPart},
	{"Domain", "owner", "Group", RelationOwnedBy, RelationOwnerOf},
	{"Domain", "subdomainOf", "Domain", RelationPartOf, RelationHasPart},
	{"Group", "parent", "Group", RelationChildOf, RelationParentOf},
	{"Group", "children", "Group", RelationParentOf, RelationChildOf},
	{"Group", "members", "User", RelationHasMember, RelationMemberOf},
	{"User", "memberOf", "Group", RelationMemberOf, RelationHasMember},
	{"Template", "owner", "Group", RelationOwnedBy, RelationOwnerOf},
}

// Relations infers the relation rows an entity produces from its spec, in both directions,
// with canonical refs. Targets written without a namespace take the entity's namespace. It
// returns an error wrapping ErrInvalid naming the first reference that cannot be parsed.
func Relations(e *Entity) ([]RelationRow, error) {
	rows, problems := inferRelations(e)
	if len(problems) > 0 {
		return nil, fmt.Errorf("infer relations of %s: %w", e.Ref(), &ValidationError{Problems: problems})
	}
	return rows, nil
}

// inferRelations is Relations that reports every bad reference as a problem (with its field
// path, but no file or line).
func inferRelations(e *Entity) ([]RelationRow, []Problem) {
	self := e.Ref()
	selfRef := self.String()
	var rows []RelationRow
	var problems []Problem
	seen := map[RelationRow]bool{}
	addRow := func(r RelationRow) {
		if !seen[r] {
			seen[r] = true
			rows = append(rows, r)
		}
	}
	for _, rf := range relationFields {
		if rf.kind != e.Kind {
			continue
		}
		for i, target := range relationTargets(e.Spec[rf.field]) {
			t, err := ParseRef(target, rf.defaultKind, self.Namespace)
			if err != nil {
				p := fieldPath{"spec", rf.field}
				if _, isList := e.Spec[rf.field].([]any); isList {
					p = p.with(i)
				}
				problems = append(problems, Problem{Entity: selfRef, Field: p.String(), Message: p.String() + " " + refProblem(target, rf.defaultKind)})
				continue
			}
			tr := t.String()
			addRow(RelationRow{Source: selfRef, Type: rf.forward, Target: tr})
			addRow(RelationRow{Source: tr, Type: rf.reverse, Target: selfRef})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Target < b.Target
	})
	return rows, problems
}

// relationTargets returns the string targets of a spec value (a string or a list). Values of
// the wrong type are validation problems reported elsewhere.
func relationTargets(v any) []string {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, item := range t {
			s, _ := item.(string)
			out = append(out, s)
		}
		return out
	case []string:
		return t
	}
	return nil
}

// refProblem explains why target is not a usable entity reference.
func refProblem(target, defaultKind string) string {
	if defaultKind == "" {
		return fmt.Sprintf("%q is not a valid entity reference: this field needs the kind, as in \"resource:%s\"", target, target)
	}
	return fmt.Sprintf("%q is not a valid entity reference (expected [kind:][namespace/]name)", target)
}
