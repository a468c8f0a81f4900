package auth

import "strings"

// Action is something a principal may or may not do.
type Action string

// The actions the portal checks. Handlers name the action of their route; the Policy alone
// decides.
const (
	// ActionRead reads the catalog (and later search and the assistant). Viewer or above.
	ActionRead Action = "read"
	// ActionRegister registers or refreshes locations and entities. Developer or above,
	// token scope write or above.
	ActionRegister Action = "register"
	// ActionDeleteEntity deletes (or edits) one entity: admins, and developers who are
	// members of the owning group. Token scope write or above.
	ActionDeleteEntity Action = "entity.delete"
	// ActionDeleteLocation unregisters a location and its entities. Admin only.
	ActionDeleteLocation Action = "location.delete"
	// ActionManageOwnTokens creates, lists and revokes the caller's own API tokens. Any
	// user (not a static token or the guest); a token needs scope write or above.
	ActionManageOwnTokens Action = "tokens.own"
	// ActionAdmin manages users and everyone's tokens and reads the audit log. Admin role
	// and, for tokens, admin scope.
	ActionAdmin Action = "admin"
	// ActionMetrics reads Prometheus metrics: any authenticated principal.
	ActionMetrics Action = "metrics"
)

// Visibility is how widely an entity may be seen, from the nextportal.io/visibility
// annotation.
type Visibility string

// The visibilities. An entity without the annotation is VisibilityInternal.
const (
	VisibilityPublic     Visibility = "public"     // anyone, even without credentials
	VisibilityInternal   Visibility = "internal"   // any authenticated principal
	VisibilityRestricted Visibility = "restricted" // owners, AllowedGroups and admins only
)

// Annotations that set an entity's visibility. Groups are comma-separated entity refs
// (default kind group), e.g. "payments-team, group:default/security".
const (
	AnnotationVisibility       = "nextportal.io/visibility"
	AnnotationVisibilityGroups = "nextportal.io/visibility-groups"
)

// Resource is what an action is done to. The zero Resource is the portal as a whole.
type Resource struct {
	Ref           string     // canonical entity ref
	Owners        []string   // canonical refs of the owning groups/users (ownedBy targets)
	Visibility    Visibility // empty means internal
	AllowedGroups []string   // canonical group refs that may see a restricted entity
}

// Policy is the one place that answers "may P do A on R". The zero Policy is ready to use.
type Policy struct{}

// CanSee reports whether p may see r at all. A caller who may not see an entity must get
// exactly what they would get if it did not exist.
func (Policy) CanSee(p Principal, r Resource) bool {
	if p.Kind == KindSystem || (p.IsAuthenticated() && p.Role == RoleAdmin) {
		return true
	}
	switch r.Visibility {
	case VisibilityPublic:
		return true
	case VisibilityRestricted:
		if !p.IsAuthenticated() {
			return false
		}
		for _, g := range append(append([]string{}, r.Owners...), r.AllowedGroups...) {
			if p.InGroup(g) {
				return true
			}
		}
		return false
	default: // internal, or unset
		return p.IsAuthenticated()
	}
}

// Allow reports whether p may do a on r. It includes CanSee: nothing may be done to an
// entity the principal cannot see.
func (pol Policy) Allow(p Principal, a Action, r Resource) bool {
	if p.Kind == KindSystem {
		return true
	}
	if !p.IsAuthenticated() || (r.Ref != "" && !pol.CanSee(p, r)) {
		return false
	}
	role := p.Role
	switch a {
	case ActionRead, ActionMetrics:
		return role.AtLeast(RoleViewer)
	case ActionRegister:
		return role.AtLeast(RoleDeveloper) && scopeAtLeast(p.Scope, ScopeWrite)
	case ActionDeleteEntity:
		if !scopeAtLeast(p.Scope, ScopeWrite) {
			return false
		}
		if role == RoleAdmin {
			return true
		}
		if !role.AtLeast(RoleDeveloper) {
			return false
		}
		for _, o := range r.Owners {
			if p.InGroup(o) {
				return true
			}
		}
		return false
	case ActionDeleteLocation:
		return role == RoleAdmin && scopeAtLeast(p.Scope, ScopeWrite)
	case ActionManageOwnTokens:
		return p.Kind == KindUser && role.AtLeast(RoleViewer) && scopeAtLeast(p.Scope, ScopeWrite)
	case ActionAdmin:
		return role == RoleAdmin && scopeAtLeast(p.Scope, ScopeAdmin)
	}
	return false
}

// scopeAtLeast reports whether a token scope allows what min needs; an empty scope (a
// session) allows everything the role does.
func scopeAtLeast(s, min Scope) bool {
	if s == "" {
		return true
	}
	rank := map[Scope]int{ScopeRead: 1, ScopeWrite: 2, ScopeAdmin: 3}
	return rank[s] >= rank[min]
}

// ParseVisibility reads an entity's visibility annotation value; anything unknown is
// treated as restricted, so a typo never widens access.
func ParseVisibility(v string) Visibility {
	switch vis := Visibility(strings.ToLower(strings.TrimSpace(v))); vis {
	case "":
		return VisibilityInternal
	case VisibilityPublic, VisibilityInternal, VisibilityRestricted:
		return vis
	}
	return VisibilityRestricted
}
