package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// Spec is an entity spec in the form JSON decoding gives (strings, []any), so that it
// survives a store round trip unchanged.
type Spec = map[string]any

// Entity builds an entity of kind kind named "name" or "namespace/name".
func Entity(kind, name string, sp Spec) catalog.Entity {
	ns, n, ok := strings.Cut(name, "/")
	if !ok {
		ns, n = catalog.DefaultNamespace, name
	}
	return catalog.Entity{
		APIVersion: "backstage.io/v1alpha1",
		Kind:       kind,
		Metadata:   catalog.Metadata{Name: n, Namespace: ns},
		Spec:       sp,
	}
}

// Process turns an entity into what a Store receives: search rows from a small flattener
// (independent of package catalog's), relations in both directions for spec.owner, and a
// content hash. Parent is left empty.
func Process(e catalog.Entity) catalog.Processed {
	ref := e.Ref().String()
	p := catalog.Processed{Entity: e, Search: flatten(e)}
	if owner, ok := e.Spec["owner"].(string); ok {
		p.Relations = append(p.Relations,
			catalog.RelationRow{Source: ref, Type: "ownedBy", Target: owner},
			catalog.RelationRow{Source: owner, Type: "ownerOf", Target: ref})
	}
	if deps, ok := e.Spec["dependsOn"].([]any); ok {
		for _, d := range deps {
			p.Relations = append(p.Relations,
				catalog.RelationRow{Source: ref, Type: "dependsOn", Target: d.(string)},
				catalog.RelationRow{Source: d.(string), Type: "dependencyOf", Target: ref})
		}
	}
	body, err := json.Marshal(e)
	if err != nil {
		panic(fmt.Sprintf("storetest: hash %s: %v", ref, err)) // fixtures are always encodable
	}
	sum := sha256.Sum256(body)
	p.Hash = hex.EncodeToString(sum[:])
	return p
}

// flatten returns e's search rows the way Backstage builds them, for the fields fixtures use.
func flatten(e catalog.Entity) []catalog.SearchRow {
	var rows []catalog.SearchRow
	add := func(key, value string) {
		lv := strings.ToLower(value)
		rows = append(rows, catalog.SearchRow{Key: key, Value: &lv, OriginalValue: &value})
	}
	add("apiversion", e.APIVersion)
	add("kind", e.Kind)
	add("metadata.name", e.Metadata.Name)
	add("metadata.namespace", e.Metadata.Namespace)
	if e.Metadata.Title != "" {
		add("metadata.title", e.Metadata.Title)
	}
	if e.Metadata.Description != "" {
		add("metadata.description", e.Metadata.Description)
	}
	for _, tag := range e.Metadata.Tags {
		add("metadata.tags", tag)
		add("metadata.tags."+strings.ToLower(tag), "true")
	}
	for prefix, m := range map[string]map[string]string{
		"metadata.labels.": e.Metadata.Labels, "metadata.annotations.": e.Metadata.Annotations,
	} {
		for k, v := range m {
			add(prefix+strings.ToLower(k), v)
		}
	}
	keys := make([]string, 0, len(e.Spec))
	for k := range e.Spec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := e.Spec[k].(type) {
		case string:
			add("spec."+strings.ToLower(k), v)
		case []any:
			for _, item := range v {
				if s, ok := item.(string); ok {
					add("spec."+strings.ToLower(k), s)
				}
			}
		}
	}
	return rows
}
