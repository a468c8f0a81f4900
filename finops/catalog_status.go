package finops

import (
	"context"
	"fmt"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// StatusesOf reads entity statuses for recommendations from the catalog service.
func StatusesOf(svc *catalog.Service) EntityStatuses { return catalogStatuses{svc} }

type catalogStatuses struct{ svc *catalog.Service }

// EntityStatuses reads the lifecycle and owner of refs, and whether each owner is a group
// the catalog has, as the system.
func (c catalogStatuses) EntityStatuses(ctx context.Context, refs []string) (map[string]EntityStatus, error) {
	ctx = auth.NewContext(ctx, auth.System())
	es, err := c.svc.EntitiesByRefs(ctx, refs, catalog.Filter{})
	if err != nil {
		return nil, fmt.Errorf("entity statuses: %w", err)
	}
	out := make(map[string]EntityStatus, len(refs))
	var owners []string
	for i, e := range es {
		if e == nil {
			continue
		}
		lc, _ := e.Spec["lifecycle"].(string)
		st := EntityStatus{Lifecycle: strings.ToLower(lc)}
		if v, _ := e.Spec["owner"].(string); v != "" {
			if r, err := catalog.ParseRef(v, "group", e.Metadata.Namespace); err == nil {
				st.Owner = r.String()
				owners = append(owners, st.Owner)
			}
		}
		out[refs[i]] = st
	}
	if len(owners) == 0 {
		return out, nil
	}
	gs, err := c.svc.EntitiesByRefs(ctx, owners, catalog.Filter{})
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
