package indexer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// catalogView is what the catalog sources know about every entity before rendering any:
// the domain of each system, and who may see each entity.
type catalogView struct {
	domains map[string]string // system ref -> domain ref
	access  map[string]entityAccessOf
}

type entityAccessOf struct {
	vis     auth.Visibility
	allowed []string // sorted; restricted entities only
}

// loadCatalogView reads every entity once (as the system) into a catalogView.
func loadCatalogView(ctx context.Context, cat *catalog.Service) (catalogView, error) {
	v := catalogView{domains: map[string]string{}, access: map[string]entityAccessOf{}}
	err := eachEntity(ctx, cat, catalog.Filter{}, func(e *catalog.Entity) error {
		ref := e.Ref().String()
		if strings.EqualFold(e.Kind, "system") {
			if d := entityDomainOf(e); d != "" {
				v.domains[ref] = d
			}
		}
		vis, allowed := entityAccess(e)
		v.access[ref] = entityAccessOf{vis: vis, allowed: allowed}
		return nil
	})
	if err != nil {
		return catalogView{}, fmt.Errorf("read the catalog: %w", err)
	}
	return v, nil
}

// mayMention reports whether a document of src may name target. A document names its
// entity's relations and owner, system and domain; without this check a group's document
// that every viewer sees would name a restricted component the group owns. A restricted
// target may be named only by a restricted source whose every allowed ref may also see
// the target. Public and internal targets may be named anywhere, as the catalog API shows
// a public entity's spec.owner to anyone. Targets not in the catalog reveal nothing.
func (v catalogView) mayMention(src, target string) bool {
	t, ok := v.access[target]
	if !ok || t.vis != auth.VisibilityRestricted {
		return true
	}
	s := v.access[src]
	if s.vis != auth.VisibilityRestricted || len(s.allowed) == 0 {
		return false
	}
	for _, a := range s.allowed {
		if !slices.Contains(t.allowed, a) {
			return false
		}
	}
	return true
}

// withMentionable returns e with only the relations whose targets its documents may name.
func (v catalogView) withMentionable(e *catalog.Entity) *catalog.Entity {
	src := e.Ref().String()
	keep := make([]catalog.Relation, 0, len(e.Relations))
	for _, r := range e.Relations {
		if v.mayMention(src, strings.ToLower(r.TargetRef)) {
			keep = append(keep, r)
		}
	}
	c := *e
	c.Relations = keep
	return &c
}

// fields returns e's filter values, without the owner, system and domain refs its
// documents may not name.
func (v catalogView) fields(e *catalog.Entity) map[string][]string {
	src := e.Ref().String()
	f := entityFields(v.withMentionable(e), v.domains)
	for _, key := range []string{FieldOwner, FieldSystem, FieldDomain} {
		vals := slices.DeleteFunc(f[key], func(ref string) bool { return !v.mayMention(src, ref) })
		if len(vals) == 0 {
			delete(f, key)
		} else {
			f[key] = vals
		}
	}
	return f
}
