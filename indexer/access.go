package indexer

import (
	"strings"

	"github.com/nextportal/portal/auth"
)

// Audience is what a principal may see, in the form retrieval filters on: every document
// (All), public ones only (anonymous), or public and internal ones plus restricted ones
// whose Allowed list shares a ref with Refs.
type Audience struct {
	All        bool
	PublicOnly bool
	Refs       []string // the principal's user ref and group refs, lowercased
}

// AudienceOf returns p's audience; it is auth.Policy.CanSee written as a filter.
func AudienceOf(p auth.Principal) Audience {
	if p.Kind == auth.KindSystem || (p.IsAuthenticated() && p.Role == auth.RoleAdmin) {
		return Audience{All: true}
	}
	if !p.IsAuthenticated() {
		return Audience{PublicOnly: true}
	}
	var refs []string
	if p.UserRef != "" {
		refs = append(refs, strings.ToLower(p.UserRef))
	}
	for _, g := range p.Groups {
		refs = append(refs, strings.ToLower(g))
	}
	return Audience{Refs: refs}
}

// CanSee reports whether the audience may see a document with this visibility and allowed
// list.
func (a Audience) CanSee(vis auth.Visibility, allowed []string) bool {
	switch {
	case a.All:
		return true
	case vis == auth.VisibilityPublic:
		return true
	case a.PublicOnly:
		return false
	case vis == auth.VisibilityRestricted:
		return anyIn(allowed, a.Refs)
	default:
		return true
	}
}
