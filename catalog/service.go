package catalog

import (
	"context"
	"errors"
	"fmt"
)

// Service is the catalog's entry point for the HTTP layer and the CLI.
type Service struct {
	store Store
	roots []string
}

// NewService returns a Service over store. roots are the absolute directories file locations
// may name (PORTAL_FILE_LOCATION_ROOTS); a file location outside them is refused with
// ErrForbidden, and $text/$json/$yaml substitutions can never reach outside them either.
func NewService(store Store, roots []string) *Service {
	return &Service{store: store, roots: roots}
}

// Generation identifies the state of the catalog that reads answer from, when the store can
// tell (the read model): equal generations mean equal answers to equal reads by callers of
// the same visibility class (VisibilityClass). ok is false when the store cannot tell.
func (s *Service) Generation() (gen uint64, ok bool) {
	if g, is := s.store.(interface{ Generation() (uint64, bool) }); is {
		return g.Generation()
	}
	return 0, false
}

// AddLocationResult is what registering (or dry-running) a location produced.
type AddLocationResult struct {
	Location         Location
	Entities         []Entity
	ExistingLocation *Location // set on dry run when the location is registered already
}

// AncestryItem is one entity of an ancestry chain and the refs of the entities that emitted it.
type AncestryItem struct {
	Entity           Entity   `json:"entity"`
	ParentEntityRefs []string `json:"parentEntityRefs"`
}

// Ancestry is the chain of entities that led to an entity, as Backstage returns it: the
// entity itself first, then the Location that emitted it, and so on up to the generated root
// Location. RootEntityRef is the ref the chain was asked for.
type Ancestry struct {
	RootEntityRef string         `json:"rootEntityRef"`
	Items         []AncestryItem `json:"items"`
}

// StatusUnresolvedRelation is the status item type of a relation whose target does not exist.
const StatusUnresolvedRelation = "nextportal.io/unresolved-relation"

// EntityByRef returns one entity with its relations and status. An entity the caller (the
// principal in ctx) may not see is ErrNotFound, like one that does not exist.
func (s *Service) EntityByRef(ctx context.Context, ref Ref) (Entity, error) {
	e, err := s.visibleByRef(ctx, ref.String())
	if err != nil {
		return Entity{}, fmt.Errorf("get entity %s: %w", ref, err)
	}
	if err := s.fillStatus(ctx, []*Entity{&e}); err != nil {
		return Entity{}, fmt.Errorf("get entity %s: %w", ref, err)
	}
	return e, nil
}

// EntityByUID returns one entity by uid with its relations and status, or ErrNotFound when
// the caller may not see it.
func (s *Service) EntityByUID(ctx context.Context, uid string) (Entity, error) {
	e, err := s.visibleByUID(ctx, uid)
	if err != nil {
		return Entity{}, fmt.Errorf("get entity by uid %s: %w", uid, err)
	}
	if err := s.fillStatus(ctx, []*Entity{&e}); err != nil {
		return Entity{}, fmt.Errorf("get entity by uid %s: %w", uid, err)
	}
	return e, nil
}

// EntitiesByRefs returns, in order, the entity for each ref (nil where none matches filter
// or the caller may not see it). Unparseable refs yield nil, like Backstage.
func (s *Service) EntitiesByRefs(ctx context.Context, refs []string, filter Filter) ([]*Entity, error) {
	out := make([]*Entity, len(refs))
	var valid []string
	var at []int
	for i, r := range refs {
		ref, err := ParseRef(r, "", "")
		if err != nil {
			continue
		}
		valid = append(valid, ref.String())
		at = append(at, i)
	}
	if len(valid) == 0 {
		return out, nil
	}
	if err := CheckFilter(filter); err != nil {
		return nil, err // its message is for the caller as it is
	}
	filter, err := s.scopeFilter(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("get entities by refs: %w", err)
	}
	found, err := s.store.EntitiesByRefs(ctx, valid, filter)
	if err != nil {
		return nil, fmt.Errorf("get entities by refs: %w", err)
	}
	var present []*Entity
	for j, e := range found {
		if j < len(at) && e != nil {
			out[at[j]] = e
			present = append(present, e)
		}
	}
	if err := s.fillStatus(ctx, present); err != nil {
		return nil, fmt.Errorf("get entities by refs: %w", err)
	}
	return out, nil
}

// Query returns one page of the entities the caller may see. Visibility is part of the
// store's query, so totals, paging and cursors only ever count visible entities.
func (s *Service) Query(ctx context.Context, q Query) (Page, error) {
	if err := q.Check(); err != nil {
		return Page{}, err // its message is for the caller as it is
	}
	var err error
	if q.Filter, err = s.scopeFilter(ctx, q.Filter); err != nil {
		return Page{}, fmt.Errorf("query entities: %w", err)
	}
	page, err := s.store.QueryEntities(ctx, q)
	if err != nil {
		return Page{}, fmt.Errorf("query entities: %w", err)
	}
	es := make([]*Entity, len(page.Entities))
	for i := range page.Entities {
		es[i] = &page.Entities[i]
	}
	if err := s.fillStatus(ctx, es); err != nil {
		return Page{}, fmt.Errorf("query entities: %w", err)
	}
	return page, nil
}

// Facets counts facet values among the entities matching filter that the caller may see.
func (s *Service) Facets(ctx context.Context, filter Filter, facets []string) (map[string][]FacetCount, error) {
	if err := errors.Join(checkFacets(facets), CheckFilter(filter)); err != nil {
		return nil, err // its message is for the caller as it is
	}
	filter, err := s.scopeFilter(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("count facets: %w", err)
	}
	out, err := s.store.Facets(ctx, filter, facets)
	if err != nil {
		return nil, fmt.Errorf("count facets: %w", err)
	}
	return out, nil
}

// maxAncestry bounds an ancestry walk, in case stored parents ever form a cycle.
const maxAncestry = 100

// Ancestry returns the chain of locations that emitted the entity, or ErrNotFound when the
// caller may not see it. The chain stops before the first parent the caller may not see.
func (s *Service) Ancestry(ctx context.Context, ref Ref) (Ancestry, error) {
	root := ref.String()
	a := Ancestry{RootEntityRef: root}
	seen := map[string]bool{}
	for cur := root; cur != "" && !seen[cur] && len(a.Items) < maxAncestry; {
		seen[cur] = true
		e, err := s.visibleByRef(ctx, cur)
		if errors.Is(err, ErrNotFound) && len(a.Items) > 0 {
			// A parent the caller may not see: end the chain as if it were the root.
			last := &a.Items[len(a.Items)-1]
			last.ParentEntityRefs = []string{}
			break
		}
		if err != nil {
			return Ancestry{}, fmt.Errorf("ancestry of %s: entity %s: %w", root, cur, err)
		}
		parent, err := s.store.ParentRef(ctx, cur)
		if err != nil {
			return Ancestry{}, fmt.Errorf("ancestry of %s: parent of %s: %w", root, cur, err)
		}
		item := AncestryItem{Entity: e, ParentEntityRefs: []string{}}
		if parent != "" {
			item.ParentEntityRefs = append(item.ParentEntityRefs, parent)
		}
		a.Items = append(a.Items, item)
		cur = parent
	}
	items := make([]*Entity, len(a.Items))
	for i := range a.Items {
		items[i] = &a.Items[i].Entity
	}
	if err := s.fillStatus(ctx, items); err != nil {
		return Ancestry{}, fmt.Errorf("ancestry of %s: %w", root, err)
	}
	return a, nil
}

// DeleteEntity deletes one entity by uid; it comes back when its location is refreshed. An
// entity the caller may not see is ErrNotFound. Whether the caller may delete it is the
// HTTP layer's question (auth.ActionDeleteEntity on ResourceOf the entity).
func (s *Service) DeleteEntity(ctx context.Context, uid string) error {
	_, err := s.visibleByUID(ctx, uid)
	if err == nil {
		err = s.store.DeleteEntity(ctx, uid)
	}
	if err != nil {
		return fmt.Errorf("delete entity %s: %w", uid, err)
	}
	return nil
}
