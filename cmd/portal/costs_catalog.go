package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
)

// costCatalog is finops.Catalog over the catalog service: the entities allocation may name,
// with their owner, system and domain, and the caller's visibility.
type costCatalog struct{ cat *catalog.Service }

var _ finops.Catalog = costCatalog{}

// AllocationEntities reads every component, resource, system, domain and group, as the
// system.
func (c costCatalog) AllocationEntities(ctx context.Context) ([]finops.Entity, error) {
	ctx = auth.NewContext(ctx, auth.System())
	page, err := c.cat.Query(ctx, catalog.Query{})
	if err != nil {
		return nil, fmt.Errorf("allocation entities: %w", err)
	}
	domainOf := map[string]string{} // system ref -> domain ref
	var out []finops.Entity
	for i := range page.Entities {
		e := &page.Entities[i]
		kind := strings.ToLower(e.Kind)
		switch kind {
		case "component", "resource", "system", "domain", "group":
		default:
			continue
		}
		fe := finops.Entity{Ref: e.Ref().String(), Kind: kind, Name: e.Metadata.Name,
			CostTags: finops.ParseCostTags(e.Metadata.Annotations[finops.CostTagsAnnotation])}
		fe.Owner = specRef(e, "owner", "group")
		switch kind {
		case "component", "resource":
			fe.System = specRef(e, "system", "system")
		case "system":
			fe.Domain = specRef(e, "domain", "domain")
			domainOf[fe.Ref] = fe.Domain
		}
		out = append(out, fe)
	}
	for i := range out {
		if out[i].Domain == "" && out[i].System != "" {
			out[i].Domain = domainOf[out[i].System]
		}
	}
	return out, nil
}

// specRef is the canonical ref in spec[field] of e, of defaultKind when it names none.
func specRef(e *catalog.Entity, field, defaultKind string) string {
	v, _ := e.Spec[field].(string)
	if v == "" {
		return ""
	}
	r, err := catalog.ParseRef(v, defaultKind, e.Metadata.Namespace)
	if err != nil {
		return ""
	}
	return r.String()
}

// Visible reports which refs the caller may see.
func (c costCatalog) Visible(ctx context.Context, refs []string) (map[string]bool, error) {
	es, err := c.cat.EntitiesByRefs(ctx, refs, catalog.Filter{})
	if err != nil {
		return nil, fmt.Errorf("cost visibility: %w", err)
	}
	out := make(map[string]bool, len(refs))
	for i, e := range es {
		if e != nil {
			out[refs[i]] = true
		}
	}
	return out, nil
}

var _ finops.EntityStatuses = costCatalog{}

// EntityStatuses reads the lifecycle and owner of refs, and whether each owner is a
// group the catalog has, as the system.
func (c costCatalog) EntityStatuses(ctx context.Context, refs []string) (map[string]finops.EntityStatus, error) {
	ctx = auth.NewContext(ctx, auth.System())
	es, err := c.cat.EntitiesByRefs(ctx, refs, catalog.Filter{})
	if err != nil {
		return nil, fmt.Errorf("entity statuses: %w", err)
	}
	out := make(map[string]finops.EntityStatus, len(refs))
	var owners []string
	for i, e := range es {
		if e == nil {
			continue
		}
		lc, _ := e.Spec["lifecycle"].(string)
		st := finops.EntityStatus{Lifecycle: strings.ToLower(lc), Owner: specRef(e, "owner", "group")}
		out[refs[i]] = st
		if st.Owner != "" {
			owners = append(owners, st.Owner)
		}
	}
	if len(owners) == 0 {
		return out, nil
	}
	gs, err := c.cat.EntitiesByRefs(ctx, owners, catalog.Filter{})
	if err != nil {
		return nil, fmt.Errorf("entity statuses: owners: %w", err)
	}
	known := map[string]bool{}
	for i, g := range gs {
		if g != nil && strings.EqualFold(g.Kind, "group") {
			known[owners[i]] = true
		}
	}
	for ref, st := range out {
		st.OwnerKnown = known[st.Owner]
		out[ref] = st
	}
	return out, nil
}
