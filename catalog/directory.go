package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// Service is the auth.Directory that resolves identities against the catalog.
var _ auth.Directory = (*Service)(nil)

// errNoUser is of kind NotFound, so both ErrNotFound and auth.ErrNotFound match it.
var errNoUser = ErrNotFound

// maxGroupDepth bounds the walk up a group tree; cycles stop it earlier.
const maxGroupDepth = 64

// GroupsOf returns the canonical refs of the groups the catalog User userRef belongs to
// (its memberOf relations, which a Group's spec.members also produces) and every ancestor
// of those groups through childOf, sorted. Only groups that exist count. An unknown user has
// none. It reads the store directly, whatever the caller may see: identity resolution must
// see every group.
func (s *Service) GroupsOf(ctx context.Context, userRef string) ([]string, error) {
	ref, err := ParseRef(userRef, "User", "")
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", userRef, err)
	}
	user, err := s.store.EntityByRef(ctx, ref.String())
	if errors.Is(err, ErrNotFound) {
		return []string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", ref, err)
	}
	seen := map[string]bool{}
	frontier := relatedGroups(&user, RelationMemberOf, seen)
	out := []string{}
	for depth := 0; len(frontier) > 0 && depth < maxGroupDepth; depth++ {
		groups, err := s.store.EntitiesByRefs(ctx, frontier, Filter{})
		if err != nil {
			return nil, fmt.Errorf("groups of %s: %w", ref, err)
		}
		frontier = nil
		for _, g := range groups {
			if g == nil {
				continue // a memberOf or childOf target that is not in the catalog
			}
			out = append(out, g.Ref().String())
			frontier = append(frontier, relatedGroups(g, RelationChildOf, seen)...)
		}
	}
	slices.Sort(out)
	return out, nil
}

// relatedGroups returns the canonical group refs e relates to by typ that are not in seen,
// and marks them seen.
func relatedGroups(e *Entity, typ string, seen map[string]bool) []string {
	var out []string
	for _, r := range e.Relations {
		t := strings.ToLower(r.TargetRef)
		if !strings.EqualFold(r.Type, typ) || !strings.HasPrefix(t, "group:") || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// UserRefByEmail returns the canonical ref of the catalog User whose spec.profile.email is
// email, compared case-insensitively. No such user is an error wrapping both ErrNotFound and
// auth.ErrNotFound; two users with that email is ErrConflict, since picking one could sign
// someone in as the wrong person. Like GroupsOf, it sees every entity.
func (s *Service) UserRefByEmail(ctx context.Context, email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", fmt.Errorf("find user by email: empty email: %w", errNoUser)
	}
	page, err := s.store.QueryEntities(ctx, Query{
		Filter: Filter{AllOf: []Filter{
			{Key: "kind", Values: []string{"user"}},
			{Key: "spec.profile.email", Values: []string{email}},
		}},
		Limit: 2,
	})
	if err != nil {
		return "", fmt.Errorf("find user by email: %w", err)
	}
	switch len(page.Entities) {
	case 0:
		return "", fmt.Errorf("find user by email: no catalog user has it: %w", errNoUser)
	case 1:
		return page.Entities[0].Ref().String(), nil
	}
	return "", errkind.Errorf(ErrConflict, "find user by email: %d catalog users have it", page.Total)
}

// HasUser reports whether the catalog holds the User entity with that canonical ref,
// whoever is asking (identity resolution sees everything).
func (s *Service) HasUser(ctx context.Context, userRef string) (bool, error) {
	ref, err := ParseRef(userRef, "user", DefaultNamespace)
	if err != nil || !strings.EqualFold(ref.Kind, "user") {
		return false, nil
	}
	found, err := s.store.ExistingRefs(ctx, []string{ref.String()}, Filter{})
	if err != nil {
		return false, fmt.Errorf("find user %s: %w", ref, err)
	}
	return found[ref.String()], nil
}
