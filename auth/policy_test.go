package auth_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
)

// actions are every action the policy knows, in the order the table below lists them.
var actions = []auth.Action{auth.ActionRead, auth.ActionRegister, auth.ActionDeleteEntity,
	auth.ActionDeleteLocation, auth.ActionManageOwnTokens, auth.ActionAdmin, auth.ActionMetrics}

const (
	payments = "group:default/payments-team"
	platform = "group:default/platform"
	security = "group:default/security"
	eng      = "group:default/engineering"
)

var resources = map[string]auth.Resource{
	"portal":   {},
	"public":   {Ref: "component:default/site", Owners: []string{payments}, Visibility: auth.VisibilityPublic},
	"internal": {Ref: "component:default/payments-api", Owners: []string{payments}},
	"restricted": {Ref: "resource:default/ledger-db", Owners: []string{payments}, Visibility: auth.VisibilityRestricted,
		AllowedGroups: []string{security}},
	"user-owned": {Ref: "component:default/scratch", Owners: []string{"user:default/omar"}, Visibility: auth.VisibilityRestricted},
}

func user(role auth.Role, ref string, groups ...string) auth.Principal {
	return auth.Principal{Kind: auth.KindUser, Subject: ref, Name: ref, UserRef: ref, Groups: groups, Role: role, Via: "session"}
}

func withScope(p auth.Principal, s auth.Scope) auth.Principal {
	p.Scope, p.Via = s, "token"
	return p
}

var principals = map[string]auth.Principal{
	"anonymous":         auth.Anonymous(),
	"viewer":            user(auth.RoleViewer, "user:default/vic", eng),
	"auditor":           user(auth.RoleViewer, "user:default/sam", security),
	"developer":         user(auth.RoleDeveloper, "user:default/omar", platform, eng),
	"owner":             user(auth.RoleDeveloper, "user:default/jane", payments, eng),
	"admin":             user(auth.RoleAdmin, "user:default/ada"),
	"guest":             {Kind: auth.KindGuest, Subject: "guest", Name: "guest", Role: auth.RoleDeveloper, Via: "demo"},
	"system":            auth.System(),
	"owner read token":  withScope(user(auth.RoleDeveloper, "user:default/jane", payments, eng), auth.ScopeRead),
	"owner write token": withScope(user(auth.RoleDeveloper, "user:default/jane", payments, eng), auth.ScopeWrite),
	"admin write token": withScope(user(auth.RoleAdmin, "user:default/ada"), auth.ScopeWrite),
	"static read token": {Kind: auth.KindService, Subject: "ci", Name: "ci", Role: auth.RoleViewer, Scope: auth.ScopeRead, Via: "static-token"},
}

// allowed is what each principal may do to each resource: "see" for CanSee, then the
// actions Allow permits.
var allowed = []struct{ principal, resource, want string }{
	{"anonymous", "portal", ""},
	{"anonymous", "public", "see"},
	{"anonymous", "internal", ""},
	{"anonymous", "restricted", ""},
	{"anonymous", "user-owned", ""},

	{"viewer", "portal", "read tokens.own metrics"},
	{"viewer", "public", "see read tokens.own metrics"},
	{"viewer", "internal", "see read tokens.own metrics"},
	{"viewer", "restricted", ""}, // a member of the owners' parent group is not an owner
	{"viewer", "user-owned", ""},

	{"auditor", "portal", "read tokens.own metrics"},
	{"auditor", "internal", "see read tokens.own metrics"},
	{"auditor", "restricted", "see read tokens.own metrics"}, // an allowed group: sees, may not change
	{"auditor", "user-owned", ""},

	{"developer", "portal", "read register tokens.own metrics"},
	{"developer", "public", "see read register tokens.own metrics"},
	{"developer", "internal", "see read register tokens.own metrics"},
	{"developer", "restricted", ""},
	{"developer", "user-owned", "see read register entity.delete tokens.own metrics"}, // owned by omar himself

	{"owner", "portal", "read register tokens.own metrics"},
	{"owner", "public", "see read register entity.delete tokens.own metrics"},
	{"owner", "internal", "see read register entity.delete tokens.own metrics"},
	{"owner", "restricted", "see read register entity.delete tokens.own metrics"},
	{"owner", "user-owned", ""},

	{"admin", "portal", "read register entity.delete location.delete tokens.own admin metrics"},
	{"admin", "internal", "see read register entity.delete location.delete tokens.own admin metrics"},
	{"admin", "restricted", "see read register entity.delete location.delete tokens.own admin metrics"},
	{"admin", "user-owned", "see read register entity.delete location.delete tokens.own admin metrics"},

	{"guest", "portal", "read register metrics"},
	{"guest", "public", "see read register metrics"},
	{"guest", "internal", "see read register metrics"},
	{"guest", "restricted", ""},

	{"system", "portal", "read register entity.delete location.delete tokens.own admin metrics"},
	{"system", "restricted", "see read register entity.delete location.delete tokens.own admin metrics"},

	{"owner read token", "portal", "read metrics"},
	{"owner read token", "internal", "see read metrics"},
	{"owner read token", "restricted", "see read metrics"},

	{"owner write token", "portal", "read register tokens.own metrics"},
	{"owner write token", "restricted", "see read register entity.delete tokens.own metrics"},

	{"admin write token", "portal", "read register entity.delete location.delete tokens.own metrics"},
	{"admin write token", "restricted", "see read register entity.delete location.delete tokens.own metrics"},

	{"static read token", "portal", "read metrics"},
	{"static read token", "public", "see read metrics"},
	{"static read token", "internal", "see read metrics"},
	{"static read token", "restricted", ""},
}

func TestPolicy(t *testing.T) {
	var pol auth.Policy
	for _, tt := range allowed {
		t.Run(tt.principal+" on "+tt.resource, func(t *testing.T) {
			p, ok := principals[tt.principal]
			r, ok2 := resources[tt.resource]
			if !ok || !ok2 {
				t.Fatalf("unknown principal %q or resource %q", tt.principal, tt.resource)
			}
			var got []string
			if tt.resource != "portal" && pol.CanSee(p, r) {
				got = append(got, "see")
			}
			for _, a := range actions {
				if pol.Allow(p, a, r) {
					got = append(got, string(a))
				}
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("%s may %q on %s, want %q", tt.principal, g, tt.resource, tt.want)
			}
		})
	}
}

// TestPolicyTableCoversEveryPrincipal keeps the table honest: each principal appears with
// the portal and with a restricted entity.
func TestPolicyTableCoversEveryPrincipal(t *testing.T) {
	for name := range principals {
		for _, r := range []string{"portal", "restricted"} {
			if !slices.ContainsFunc(allowed, func(a struct{ principal, resource, want string }) bool {
				return a.principal == name && a.resource == r
			}) {
				t.Errorf("the policy table has no row for %s on %s", name, r)
			}
		}
	}
}

func TestParseVisibility(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want auth.Visibility
	}{
		{"", auth.VisibilityInternal},
		{"public", auth.VisibilityPublic},
		{" Public ", auth.VisibilityPublic},
		{"internal", auth.VisibilityInternal},
		{"RESTRICTED", auth.VisibilityRestricted},
		{"pubilc", auth.VisibilityRestricted}, // a typo never widens access
		{"private", auth.VisibilityRestricted},
	} {
		if got := auth.ParseVisibility(tt.in); got != tt.want {
			t.Errorf("ParseVisibility(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrincipalContext(t *testing.T) {
	if got := auth.FromContext(t.Context()); got.Kind != auth.KindAnonymous || got.IsAuthenticated() {
		t.Errorf("FromContext(empty) = %+v, want anonymous", got)
	}
	p := principals["owner"]
	if got := auth.FromContext(auth.NewContext(t.Context(), p)); got.Subject != p.Subject {
		t.Errorf("FromContext(NewContext(p)).Subject = %q, want %q", got.Subject, p.Subject)
	}
	for _, tt := range []struct {
		p    auth.Principal
		want string
	}{
		{auth.Anonymous(), "anonymous"},
		{principals["owner"], "user:user:default/jane"},
		{principals["static read token"], "service:ci"},
		{auth.System(), "system:system"},
	} {
		if got := tt.p.Actor(); got != tt.want {
			t.Errorf("Actor() of %s = %q, want %q", tt.p.Kind, got, tt.want)
		}
	}
}
