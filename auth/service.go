package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Directory is what auth needs from the catalog: package catalog's Service implements it.
type Directory interface {
	// GroupsOf returns the canonical refs of the groups the catalog User userRef belongs
	// to: memberOf, and every ancestor of those groups through childOf. Unknown users have
	// none.
	GroupsOf(ctx context.Context, userRef string) ([]string, error)
	// UserRefByEmail returns the canonical ref of the catalog User whose
	// spec.profile.email is email (case-insensitive), or ErrNotFound wrapped.
	UserRefByEmail(ctx context.Context, email string) (string, error)
	// HasUser reports whether the catalog holds the User with that canonical ref.
	HasUser(ctx context.Context, userRef string) (bool, error)
}

// StaticToken is a token from configuration (PORTAL_STATIC_TOKENS), like Backstage's
// externalAccess static tokens: for automation that has no user.
type StaticToken struct {
	Name  string
	Token string // raw; compared in constant time
	Role  Role
	Scope Scope
}

// Options configure a Service.
type Options struct {
	Store        Store
	Directory    Directory
	StaticTokens []StaticToken
	SessionTTL   time.Duration    // default 12h
	OIDCRole     Role             // role of OIDC users who have no local account; default developer
	Now          func() time.Time // default time.Now
	// CredentialTTL is how long a checked API token or session is trusted before the
	// store is read again (DefaultCredentialTTL when 0; negative: read it every time).
	// Changes made through this Service apply at once regardless.
	CredentialTTL time.Duration
}

// Service checks credentials and manages users, tokens, sessions and the audit log. It is
// safe for concurrent use.
type Service struct {
	o       Options
	argon   argonParams
	limiter *limiter
	// staticDigests are the SHA-256 digests of o.StaticTokens, index for index, taken once:
	// every request with a bearer token compares against all of them.
	staticDigests [][sha256.Size]byte
	// dummyHash is checked when a login names no user, so that answering takes as long as
	// for a real user and timing does not reveal which names exist.
	dummyHash func() string
	creds     *credCache

	mu        sync.Mutex
	lastSweep time.Time // of expired sessions
}

// NewService returns a Service. Static tokens without a token are ignored; those without a
// role or scope get the least: viewer and read.
func NewService(o Options) *Service {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.OIDCRole == "" {
		o.OIDCRole = RoleDeveloper
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CredentialTTL == 0 {
		o.CredentialTTL = DefaultCredentialTTL
	}
	var static []StaticToken
	for _, st := range o.StaticTokens {
		if st.Token == "" {
			continue
		}
		if st.Role == "" {
			st.Role = RoleViewer
		}
		if st.Scope == "" {
			st.Scope = ScopeRead
		}
		static = append(static, st)
	}
	o.StaticTokens = static
	s := &Service{o: o, argon: defaultArgon, limiter: newLimiter(), creds: newCredCache(o.CredentialTTL)}
	for _, st := range static {
		s.staticDigests = append(s.staticDigests, sha256.Sum256([]byte(st.Token)))
	}
	s.dummyHash = sync.OnceValue(func() string {
		h, err := hashPassword("not the password of anyone", s.argon)
		if err != nil {
			panic("auth: hash the dummy password: " + err.Error()) // crypto/rand failing is not recoverable
		}
		return h
	})
	return s
}

// ForgetCredentials makes every request check its token or session against the store
// again, so that a change to users, tokens, sessions or the catalog's groups made outside
// this Service applies at once (without it, within Options.CredentialTTL). The Service
// calls it itself after its own changes.
func (s *Service) ForgetCredentials() { s.creds.forget() }

// now is the service's clock, in UTC.
func (s *Service) now() time.Time { return s.o.Now().UTC() }

// principalOf is the principal of a local user, established via via.
func (s *Service) principalOf(ctx context.Context, u User, via string) (Principal, error) {
	groups, err := s.groupsOf(ctx, u.UserRef)
	if err != nil {
		return Principal{}, err
	}
	kind := KindUser
	if u.ServiceAccount {
		kind = KindService
	}
	return Principal{Kind: kind, Subject: u.ID, Name: u.Name, UserRef: u.UserRef, Groups: groups, Role: u.Role, Via: via}, nil
}

// groupsOf returns the catalog groups of userRef, lower-cased; none without a ref or a
// Directory.
func (s *Service) groupsOf(ctx context.Context, userRef string) ([]string, error) {
	if userRef == "" || s.o.Directory == nil {
		return nil, nil
	}
	gs, err := s.o.Directory.GroupsOf(ctx, userRef)
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", userRef, err)
	}
	for i := range gs {
		gs[i] = strings.ToLower(gs[i])
	}
	return gs, nil
}
