package finops

import (
	"context"
	"fmt"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// CatalogOf reads entities for allocation and visibility from the catalog service.
func CatalogOf(svc *catalog.Service) Catalog { return catalogSource{svc} }

type catalogSource struct{ svc *catalog.Service }

// AllocationEntities reads the whole catalog as the system and rolls each entity up: its
// owner (ownedBy), its system (partOf a system, or itself) and the domain of either.
func (c catalogSource) AllocationEntities(ctx context.Context) ([]Entity, error) {
	page, err := c.svc.Query(auth.NewContext(ctx, auth.System()), catalog.Query{})
	if err != nil {
		return nil, fmt.Errorf("list entities: %w", err)
	}
	out := make([]Entity, 0, len(page.Entities))
	domainOf := map[string]string{}
	for i := range page.Entities {
		e := &page.Entities[i]
		fe := Entity{Ref: e.Ref().String(), Kind: strings.ToLower(e.Kind), Name: strings.ToLower(e.Metadata.Name),
			CostTags: ParseCostTags(e.Metadata.Annotations[CostTagsAnnotation])}
		for _, r := range e.Relations {
			target := strings.ToLower(r.TargetRef)
			switch {
			case r.Type == catalog.RelationOwnedBy && fe.Owner == "":
				fe.Owner = target
			case r.Type == catalog.RelationPartOf && strings.HasPrefix(target, "system:") && fe.System == "":
				fe.System = target
			case r.Type == catalog.RelationPartOf && strings.HasPrefix(target, "domain:") && fe.Domain == "":
				fe.Domain = target
			}
		}
		if fe.Kind == "system" {
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

// Visible asks the catalog, as the caller, which of refs it may see.
func (c catalogSource) Visible(ctx context.Context, refs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(refs))
	const per = 500
	for start := 0; start < len(refs); start += per {
		chunk := refs[start:min(start+per, len(refs))]
		es, err := c.svc.EntitiesByRefs(ctx, chunk, catalog.Filter{})
		if err != nil {
			return nil, fmt.Errorf("check visibility: %w", err)
		}
		for i, e := range es {
			if e != nil {
				out[chunk[i]] = true
			}
		}
	}
	return out, nil
}
