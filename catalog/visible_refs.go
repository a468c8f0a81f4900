package catalog

import (
	"context"
	"errors"
	"fmt"
)

// EntityReader reads one entity as the caller in ctx may see it; *Service is one.
type EntityReader interface {
	EntityByRef(ctx context.Context, ref Ref) (Entity, error)
}

// VisibleRefs tells whether the caller may see the entities that things outside the catalog
// (anomalies, alerts, incidents) are tied to by ref, remembering each answer: make one per
// request or listing. An empty ref ties a thing to no entity and is visible; a ref that does
// not parse, or names no entity, is not: the catalog does not tell a missing entity from one
// the caller may not see.
type VisibleRefs struct {
	cat         EntityReader
	defaultKind string
	seen        map[string]bool
}

// NewVisibleRefs returns a VisibleRefs over cat; refs without a kind get defaultKind ("" asks
// for a kind in every ref).
func NewVisibleRefs(cat EntityReader, defaultKind string) *VisibleRefs {
	return &VisibleRefs{cat: cat, defaultKind: defaultKind, seen: map[string]bool{}}
}

// Visible reports whether the caller in ctx may see the entity ref names.
func (v *VisibleRefs) Visible(ctx context.Context, ref string) (bool, error) {
	if ref == "" {
		return true, nil
	}
	if ok, done := v.seen[ref]; done {
		return ok, nil
	}
	r, err := ParseRef(ref, v.defaultKind, "default")
	if err != nil {
		v.seen[ref] = false
		return false, nil
	}
	_, err = v.cat.EntityByRef(ctx, r)
	switch {
	case err == nil:
		v.seen[ref] = true
	case errors.Is(err, ErrNotFound):
		v.seen[ref] = false
	default:
		return false, fmt.Errorf("entity %s: %w", ref, err)
	}
	return v.seen[ref], nil
}
