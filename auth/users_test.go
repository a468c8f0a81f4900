package auth_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
)

func TestAddUser(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	for _, tt := range []struct {
		name    string
		in      auth.NewUser
		wantRef string
		want    error
	}{
		{"ref defaults to the name", auth.NewUser{Name: "Pat", Role: auth.RoleViewer, Password: "twelve chars"}, "user:default/pat", nil},
		{"short ref", auth.NewUser{Name: "pat2", UserRef: "Pat.Smith"}, "user:default/pat.smith", nil},
		{"full ref in any case", auth.NewUser{Name: "pat3", UserRef: "User:Ops/Pat"}, "user:ops/pat", nil},
		{"service account has no ref", auth.NewUser{Name: "deploy-bot", ServiceAccount: true}, "", nil},
		{"weak password", auth.NewUser{Name: "weak", Password: "eleven char"}, "", auth.ErrInvalid},
		{"bad name", auth.NewUser{Name: "jane doe"}, "", auth.ErrInvalid},
		{"empty name", auth.NewUser{Name: ""}, "", auth.ErrInvalid},
		{"ref to a group", auth.NewUser{Name: "grp", UserRef: "group:default/platform"}, "", auth.ErrInvalid},
		{"bad role", auth.NewUser{Name: "root", Role: "root"}, "", auth.ErrInvalid},
		{"bad email", auth.NewUser{Name: "mail", Email: "not-an-address"}, "", auth.ErrInvalid},
		{"name taken in another case", auth.NewUser{Name: "JANE", UserRef: "someone-else"}, "", auth.ErrConflict},
		{"catalog user taken", auth.NewUser{Name: "jane2", UserRef: "jane"}, "", auth.ErrConflict},
	} {
		u, err := e.svc.AddUser(ctx, tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("AddUser(%s) error = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if err == nil && u.UserRef != tt.wantRef {
			t.Errorf("AddUser(%s).UserRef = %q, want %q", tt.name, u.UserRef, tt.wantRef)
		}
		if err != nil && tt.in.Password != "" && strings.Contains(err.Error(), tt.in.Password) {
			t.Errorf("AddUser(%s) error %q contains the password", tt.name, err)
		}
	}
	users, err := e.svc.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
		if u.Name == "pat2" && u.Role != auth.RoleViewer {
			t.Errorf("user without a role has role %q, want viewer", u.Role)
		}
	}
	if got, want := strings.Join(names, " "), "ada deploy-bot jane omar Pat pat2 pat3 vic"; got != want {
		t.Errorf("Users = %s, want %s", got, want)
	}
	if err := e.svc.SetDisabled(ctx, "nobody", true); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("SetDisabled(unknown) error = %v, want ErrNotFound", err)
	}
	if err := e.svc.SetRole(ctx, "jane", "root"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("SetRole(root) error = %v, want ErrInvalid", err)
	}
}

// phc is the PHC string format of an argon2id hash with OWASP's parameters.
var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestPasswordHash(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	jane, err := e.db.UserByName(ctx, "jane")
	if err != nil {
		t.Fatal(err)
	}
	omar, err := e.db.UserByName(ctx, "omar")
	if err != nil {
		t.Fatal(err)
	}
	if !phc.MatchString(jane.PasswordHash) {
		t.Errorf("password hash %q is not argon2id in PHC format", jane.PasswordHash)
	}
	if jane.PasswordHash == omar.PasswordHash {
		t.Error("two users with the same password have the same hash: the salt is not random")
	}
	if strings.Contains(jane.PasswordHash, password) {
		t.Error("the hash contains the password")
	}
	// A tampered hash fails the login without revealing the hash.
	jane.PasswordHash = "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	if err := e.db.UpdateUser(ctx, jane); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Login(ctx, "jane", password, "")
	if err == nil || errors.Is(err, auth.ErrUnauthenticated) || strings.Contains(err.Error(), "c2FsdHNhbHQ") {
		t.Errorf("Login with a tampered hash: error = %v, want an internal error without the hash", err)
	}
}

func TestCanonicalUserRef(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"jane", "user:default/jane"},
		{"Jane", "user:default/jane"},
		{"ops/jane", "user:ops/jane"},
		{"USER:Ops/Jane", "user:ops/jane"},
		{"group:default/jane", ""},
		{"user:/jane", ""},
		{"user:default/", ""},
		{"a/b/c", ""},
		{"", ""},
	} {
		got, err := auth.CanonicalUserRef(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("CanonicalUserRef(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil && !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("CanonicalUserRef(%q) error %v is not ErrInvalid", tt.in, err)
		}
	}
}
