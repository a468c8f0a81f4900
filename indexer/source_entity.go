package indexer

import (
	"slices"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// entityDocument renders one entity as a KindEntity document. It names only the related
// entities that everyone who may see e may also see (catalogView.mayMention).
func entityDocument(e *catalog.Entity, view catalogView) Document {
	ref := e.Ref()
	vis, allowed := entityAccess(e)
	fields := view.fields(e)
	e = view.withMentionable(e)
	return Document{
		ID:         "entity:" + ref.String(),
		Kind:       KindEntity,
		Source:     SourceCatalog,
		EntityRef:  ref.String(),
		Title:      entityTitle(e),
		Text:       cleanText(entityText(e, fields)),
		URL:        entityURL(ref),
		Fields:     fields,
		Visibility: vis,
		Allowed:    allowed,
	}
}

// entityTitle is metadata.title, else a user's or group's display name, else the name.
func entityTitle(e *catalog.Entity) string {
	if t := strings.TrimSpace(e.Metadata.Title); t != "" {
		return t
	}
	if p, ok := e.Spec["profile"].(map[string]any); ok {
		if d, ok := p["displayName"].(string); ok && strings.TrimSpace(d) != "" {
			return strings.TrimSpace(d)
		}
	}
	return e.Metadata.Name
}

// entityAccess returns who may see e's documents: its visibility and, for a restricted
// entity, the canonical refs of its owners and visibility groups.
func entityAccess(e *catalog.Entity) (auth.Visibility, []string) {
	r := catalog.ResourceOf(*e)
	vis := r.Visibility
	if vis == "" {
		vis = auth.VisibilityInternal
	}
	if vis != auth.VisibilityRestricted {
		return vis, nil
	}
	var allowed []string
	for _, ref := range slices.Concat(r.Owners, r.AllowedGroups) {
		allowed = append(allowed, strings.ToLower(ref))
	}
	slices.Sort(allowed)
	return vis, slices.Compact(allowed)
}

// entityFields returns the filter values of e: kind, spec.type, owner, system, domain,
// tags and lifecycle, lowercased. A system is its own system and a domain its own domain,
// so filtering on one finds the entity itself and the documents it owns.
func entityFields(e *catalog.Entity, domains map[string]string) map[string][]string {
	f := map[string][]string{}
	add := func(key, v string) {
		v = strings.ToLower(strings.TrimSpace(v))
		if v != "" && !slices.Contains(f[key], v) {
			f[key] = append(f[key], v)
		}
	}
	ref := e.Ref().String()
	kind := strings.ToLower(e.Kind)
	add(FieldKind, kind)
	add(FieldType, specString(e, "type"))
	add(FieldLifecycle, specString(e, "lifecycle"))
	for _, o := range relationTargetsOf(e, catalog.RelationOwnedBy, "") {
		add(FieldOwner, o)
	}
	for _, t := range e.Metadata.Tags {
		add(FieldTags, t)
	}
	switch kind {
	case "system":
		add(FieldSystem, ref)
		add(FieldDomain, entityDomainOf(e))
	case "domain":
		add(FieldDomain, ref)
	default:
		for _, s := range relationTargetsOf(e, catalog.RelationPartOf, "system:") {
			add(FieldSystem, s)
			add(FieldDomain, domains[s])
		}
	}
	return f
}

// entityDomainOf returns the domain a system is part of: its partOf relation to a domain,
// or its spec.domain when it carries no relations yet.
func entityDomainOf(e *catalog.Entity) string {
	if ds := relationTargetsOf(e, catalog.RelationPartOf, "domain:"); len(ds) > 0 {
		return ds[0]
	}
	d := specString(e, "domain")
	if d == "" {
		return ""
	}
	r, err := catalog.ParseRef(d, "Domain", e.Ref().Namespace)
	if err != nil {
		return ""
	}
	return r.String()
}

// relationTargetsOf returns the lowercased targets of e's relations of type typ whose
// target starts with prefix, in the order the catalog returned them.
func relationTargetsOf(e *catalog.Entity, typ, prefix string) []string {
	var out []string
	for _, r := range e.Relations {
		t := strings.ToLower(r.TargetRef)
		if strings.EqualFold(r.Type, typ) && strings.HasPrefix(t, prefix) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// specString returns spec[key] when it is a string.
func specString(e *catalog.Entity, key string) string {
	s, _ := e.Spec[key].(string)
	return strings.TrimSpace(s)
}

// cleanText makes text storable by every engine: valid UTF-8 without NUL bytes, which
// PostgreSQL's text type refuses.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "")
}
