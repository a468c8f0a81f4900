package finops

import "context"

// CostTagsAnnotation on a catalog entity names the tag values that are its own:
// "key=value,key=value". A cost row carrying any of them is allocated to that entity.
const CostTagsAnnotation = "nextportal.io/cost-tags"

// Entity is what allocation needs to know of a catalog entity.
type Entity struct {
	Ref    string // canonical: component:default/payments-api
	Kind   string // lower case: component, resource, system, domain, group, …
	Name   string
	Owner  string // canonical ref of the owner (group:default/payments), "" if none
	System string // canonical ref of the system it is part of, "" if none
	Domain string // canonical ref of the domain (of the entity or of its system), "" if none
	// CostTags are the entity's CostTagsAnnotation pairs, keys lower case.
	CostTags map[string]string
}

// Catalog is what finops reads from the catalog.
type Catalog interface {
	// AllocationEntities returns every entity allocation may name, regardless of the
	// caller (allocation runs as the system).
	AllocationEntities(ctx context.Context) ([]Entity, error)
	// Visible returns which of refs the principal in ctx may see.
	Visible(ctx context.Context, refs []string) (map[string]bool, error)
}
