package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nextportal/portal/auth"
)

// VisibilityClass names what p may see of the catalog: principals with the same class get
// the same answers to every catalog read (canSee and visibleFilter look at nothing else).
func VisibilityClass(p auth.Principal) string {
	switch {
	case seesAll(p):
		return "all"
	case !p.IsAuthenticated():
		return "anonymous"
	}
	groups := slices.Clone(p.Groups)
	slices.Sort(groups)
	var b strings.Builder
	b.WriteString("user:")
	b.WriteString(strings.ToLower(p.UserRef))
	for _, g := range slices.Compact(groups) {
		b.WriteByte('\x00')
		b.WriteString(g)
	}
	return b.String()
}

// canSee reports whether the principal in ctx may see e (e as the store returns it, with all
// its relations).
func canSee(ctx context.Context, e Entity) bool {
	return auth.Policy{}.CanSee(auth.FromContext(ctx), ResourceOf(e))
}

// visibleByRef returns the stored entity with that canonical ref, or ErrNotFound when there
// is none or the principal in ctx may not see it: the same error either way, so not even
// its text tells the two apart.
func (s *Service) visibleByRef(ctx context.Context, ref string) (Entity, error) {
	return visible(ctx)(s.store.EntityByRef(ctx, ref))
}

// visibleByUID is visibleByRef by uid.
func (s *Service) visibleByUID(ctx context.Context, uid string) (Entity, error) {
	return visible(ctx)(s.store.EntityByUID(ctx, uid))
}

// visible returns a check of a store read: a missing entity or one the principal in ctx may
// not see becomes the bare ErrNotFound.
func visible(ctx context.Context) func(Entity, error) (Entity, error) {
	return func(e Entity, err error) (Entity, error) {
		if errors.Is(err, ErrNotFound) || (err == nil && !canSee(ctx, e)) {
			return Entity{}, ErrNotFound
		}
		return e, err
	}
}

// fillStatus drops, from each entity, the relations whose target the caller may not see,
// then sets a warning status item for every remaining relation whose target does not exist.
// It reads the targets once for all the entities together.
func (s *Service) fillStatus(ctx context.Context, es []*Entity) error {
	var targets []string
	seen := map[string]bool{}
	for _, e := range es {
		for _, r := range e.Relations {
			if t := strings.ToLower(r.TargetRef); !seen[t] {
				seen[t] = true
				targets = append(targets, t)
			}
		}
	}
	if len(targets) == 0 {
		return nil
	}
	exists, hidden, err := s.refStates(ctx, targets)
	if err != nil {
		return fmt.Errorf("check relation targets: %w", err)
	}
	for _, e := range es {
		var items []StatusItem
		kept := e.Relations[:0:0]
		for _, r := range e.Relations {
			t := strings.ToLower(r.TargetRef)
			if hidden[t] {
				continue
			}
			kept = append(kept, r)
			if !exists[t] {
				items = append(items, StatusItem{
					Type:    StatusUnresolvedRelation,
					Level:   "warning",
					Message: fmt.Sprintf("relation %s targets %s, which is not in the catalog", r.Type, r.TargetRef),
				})
			}
		}
		e.Relations = kept
		if len(items) > 0 {
			e.Status = &Status{Items: items}
		}
	}
	return nil
}

// refStates reports which of the canonical refs exist and which of those the principal in
// ctx may not see: two ExistingRefs calls, the second narrowed by the caller's visibility
// filter, so no entity body is read.
func (s *Service) refStates(ctx context.Context, refs []string) (exists, hidden map[string]bool, err error) {
	exists, err = s.store.ExistingRefs(ctx, refs, Filter{})
	if err != nil {
		return nil, nil, err
	}
	vis, limited := visibleFilter(auth.FromContext(ctx))
	if !limited {
		return exists, nil, nil
	}
	seen, err := s.store.ExistingRefs(ctx, refs, vis)
	if err != nil {
		return nil, nil, err
	}
	hidden = map[string]bool{}
	for _, r := range refs {
		hidden[r] = exists[r] && !seen[r]
	}
	return exists, hidden, nil
}

// scopeFilter returns f narrowed to what the principal in ctx may see. For a caller who
// does not see everything, it is f AND visibleFilter, and f's relation conditions forget
// targets the caller may not see, as if they did not exist: otherwise
// relations.ownerOf=<hidden ref> would reveal the hidden entity through the visible group
// that owns it.
func (s *Service) scopeFilter(ctx context.Context, f Filter) (Filter, error) {
	vis, limited := visibleFilter(auth.FromContext(ctx))
	if !limited {
		return f, nil
	}
	if refs := relationValues(f, nil); len(refs) > 0 {
		_, hidden, err := s.refStates(ctx, refs)
		if err != nil {
			return Filter{}, fmt.Errorf("check filter refs: %w", err)
		}
		f = dropHidden(f, hidden)
	}
	f, err := s.narrowBareRelations(ctx, f)
	if err != nil {
		return Filter{}, fmt.Errorf("check filter relations: %w", err)
	}
	return and(f, vis), nil
}

// narrowBareRelations rewrites each condition on a relation type alone ("relations.X",
// any target) that some relation of that type to a hidden entity would satisfy into one
// listing the targets the caller may see, so an entity whose only such relation points
// at a hidden entity does not match.
func (s *Service) narrowBareRelations(ctx context.Context, f Filter) (Filter, error) {
	types := bareRelationTypes(f, nil)
	if len(types) == 0 {
		return f, nil
	}
	visibleTargets := map[string][]string{} // type → targets the caller may see
	for _, typ := range types {
		targets, err := s.store.RelationTargets(ctx, typ)
		if err != nil {
			return Filter{}, err
		}
		_, hidden, err := s.refStates(ctx, targets)
		if err != nil {
			return Filter{}, err
		}
		if len(hidden) == 0 || !slices.ContainsFunc(targets, func(t string) bool { return hidden[t] }) {
			continue
		}
		kept := []string{}
		for _, t := range targets {
			if !hidden[t] {
				kept = append(kept, t)
			}
		}
		visibleTargets[typ] = kept
	}
	return withTargets(f, visibleTargets), nil
}

// bareRelationType returns the relation type of a condition on a relation type alone.
func bareRelationType(f Filter) (string, bool) {
	if f.Key == "" || len(f.Values) > 0 || !isRelationKey(f.Key) {
		return "", false
	}
	return strings.TrimSpace(strings.ToLower(strings.TrimSpace(f.Key))[len(relationsKeyPrefix):]), true
}

// bareRelationTypes appends the relation types f's bare relation conditions name.
func bareRelationTypes(f Filter, out []string) []string {
	if typ, ok := bareRelationType(f); ok && typ != "" && !slices.Contains(out, typ) {
		out = append(out, typ)
	}
	for _, sub := range append(slices.Clone(f.AllOf), f.AnyOf...) {
		out = bareRelationTypes(sub, out)
	}
	if f.Not != nil {
		out = bareRelationTypes(*f.Not, out)
	}
	return out
}

// withTargets returns f with each bare condition on a type of targets given those
// targets as values (none: it matches nothing).
func withTargets(f Filter, targets map[string][]string) Filter {
	return mapLeaves(f, func(leaf Filter) Filter {
		typ, ok := bareRelationType(leaf)
		kept, narrowed := targets[typ]
		switch {
		case !ok || !narrowed:
			return leaf
		case len(kept) == 0:
			return Filter{Not: &Filter{}} // nothing
		}
		return Filter{Key: leaf.Key, Values: kept}
	})
}

// mapLeaves returns f with every condition (leaf) replaced by fn of it.
func mapLeaves(f Filter, fn func(Filter) Filter) Filter {
	if f.Key != "" {
		return fn(f)
	}
	var out Filter
	for _, sub := range f.AllOf {
		out.AllOf = append(out.AllOf, mapLeaves(sub, fn))
	}
	for _, sub := range f.AnyOf {
		out.AnyOf = append(out.AnyOf, mapLeaves(sub, fn))
	}
	if f.Not != nil {
		n := mapLeaves(*f.Not, fn)
		out.Not = &n
	}
	return out
}

// dropHidden returns f without the hidden values of its relation conditions; a condition
// left with none matches nothing.
func dropHidden(f Filter, hidden map[string]bool) Filter {
	if len(hidden) == 0 {
		return f
	}
	return mapLeaves(f, func(leaf Filter) Filter {
		if !isRelationKey(leaf.Key) || len(leaf.Values) == 0 {
			return leaf
		}
		var kept []string
		for _, v := range leaf.Values {
			if !hidden[strings.ToLower(strings.TrimSpace(v))] {
				kept = append(kept, v)
			}
		}
		if len(kept) == 0 {
			return Filter{Not: &Filter{}} // nothing
		}
		return Filter{Key: leaf.Key, Values: kept}
	})
}

func isRelationKey(key string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(key)), relationsKeyPrefix)
}

// relationValues appends the values of f's relation conditions to out, as the store
// compares them (trimmed, lowercased).
func relationValues(f Filter, out []string) []string {
	if isRelationKey(f.Key) {
		for _, v := range f.Values {
			if v = strings.ToLower(strings.TrimSpace(v)); !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	for _, sub := range append(slices.Clone(f.AllOf), f.AnyOf...) {
		out = relationValues(sub, out)
	}
	if f.Not != nil {
		out = relationValues(*f.Not, out)
	}
	return out
}
