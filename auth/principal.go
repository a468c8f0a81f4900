package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// Role is a principal's coarse permission level.
type Role string

// The roles, weakest first.
const (
	RoleViewer    Role = "viewer"
	RoleDeveloper Role = "developer"
	RoleAdmin     Role = "admin"
)

// ParseRole parses "viewer", "developer" or "admin" (any case).
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleViewer, RoleDeveloper, RoleAdmin:
		return r, nil
	}
	return "", errkind.Errorf(ErrInvalid, "role %q: want viewer, developer or admin", s)
}

// AtLeast reports whether r grants everything o grants.
func (r Role) AtLeast(o Role) bool { return r.rank() >= o.rank() }

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleDeveloper:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Scope bounds what a token may do, whatever its user's role: read < write < admin.
type Scope string

// The token scopes.
const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
	ScopeAdmin Scope = "admin"
)

// ParseScope parses "read", "write" or "admin" (any case).
func ParseScope(s string) (Scope, error) {
	switch sc := Scope(strings.ToLower(strings.TrimSpace(s))); sc {
	case ScopeRead, ScopeWrite, ScopeAdmin:
		return sc, nil
	}
	return "", errkind.Errorf(ErrInvalid, "scope %q: want read, write or admin", s)
}

// Kind says what sort of caller a Principal is.
type Kind string

// The kinds of principal.
const (
	KindAnonymous Kind = "anonymous" // no credentials
	KindUser      Kind = "user"      // a local or OIDC user, by session or token
	KindService   Kind = "service"   // a service account or a static token
	KindGuest     Kind = "guest"     // demo mode's signed-in browser
	KindSystem    Kind = "system"    // the portal itself: refresh loops, CLI imports
)

// Principal is who is asking. The zero Principal is anonymous.
type Principal struct {
	Kind    Kind
	Subject string // stable id: user id, static token name, "guest", "system"
	Name    string // for display and the audit log: login name or token name
	UserRef string // the catalog User entity, "user:default/jane"; empty if none
	// Groups are the canonical refs of the catalog Groups the user belongs to, directly
	// (memberOf) and through parent groups (a member of a child group is a member of its
	// parents).
	Groups []string
	Role   Role
	// Scope bounds a token's power; empty for sessions, where the role alone decides.
	Scope Scope
	Via   string // how the principal was established: session, token, static-token, oidc, demo
}

// Anonymous is the principal of a request without credentials.
func Anonymous() Principal { return Principal{Kind: KindAnonymous} }

// System is the portal acting on its own behalf (periodic refresh, CLI commands run by the
// operator): it may do and see everything.
func System() Principal {
	return Principal{Kind: KindSystem, Subject: "system", Name: "system", Role: RoleAdmin}
}

// IsAuthenticated reports whether p presented valid credentials (or is the system).
func (p Principal) IsAuthenticated() bool { return p.Kind != "" && p.Kind != KindAnonymous }

// InGroup reports whether p belongs to the group with that canonical ref, or is that ref.
func (p Principal) InGroup(ref string) bool {
	ref = strings.ToLower(ref)
	return ref != "" && (ref == strings.ToLower(p.UserRef) || slices.Contains(p.Groups, ref))
}

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal ctx carries, or Anonymous.
func FromContext(ctx context.Context) Principal {
	switch v := ctx.Value(principalKey{}).(type) {
	case Principal:
		return v
	case *Slot:
		if v.set {
			return v.p
		}
	}
	return Anonymous()
}

// A Slot is a place in a context for a principal established after the context was made:
// an HTTP server makes one context per request, with the request id and an empty slot,
// and fills the slot once it has checked the credentials, instead of copying the request
// a second time for a context with the principal. The zero Slot is empty.
type Slot struct {
	p   Principal
	set bool
}

// WithSlot returns ctx carrying s: FromContext(ctx) is Anonymous until s.Set.
func WithSlot(ctx context.Context, s *Slot) context.Context {
	return context.WithValue(ctx, principalKey{}, s)
}

// Set puts p in the slot. Call it before the context reaches another goroutine: it is
// not synchronised.
func (s *Slot) Set(p Principal) { s.p, s.set = p, true }
