package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
)

// Auth runs the auth.Store contract against stores from newStore, which must return an
// empty, migrated store for each call.
func Auth(t *testing.T, newStore func(t *testing.T) auth.Store) {
	t.Run("Users", func(t *testing.T) { testUsers(t, newStore(t)) })
	t.Run("UserConflicts", func(t *testing.T) { testUserConflicts(t, newStore(t)) })
	t.Run("UpdateUser", func(t *testing.T) { testUpdateUser(t, newStore(t)) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, newStore(t)) })
	t.Run("TokenConflicts", func(t *testing.T) { testTokenConflicts(t, newStore(t)) })
	t.Run("RevokeAndTouch", func(t *testing.T) { testRevokeAndTouch(t, newStore(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, newStore(t)) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, newStore(t)) })
	t.Run("AuditPaging", func(t *testing.T) { testAuditPaging(t, newStore(t)) })
}

// t0 is the contract's clock: a fixed instant with sub-microsecond digits, which stores
// drop.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

// at is t0 plus d, as stores keep it (to the microsecond).
func at(d time.Duration) time.Time { return t0.Add(d).Truncate(time.Microsecond) }

func ptr[T any](v T) *T { return &v }

// mustUser creates a user named name with role developer.
func mustUser(t *testing.T, s auth.Store, name string) auth.User {
	t.Helper()
	u, err := s.CreateUser(t.Context(), auth.User{Name: name, Role: auth.RoleDeveloper, CreatedAt: t0})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

func testUsers(t *testing.T, s auth.Store) {
	ctx := t.Context()
	jane, err := s.CreateUser(ctx, auth.User{Name: "Jane", Email: "jane@fernway.example", UserRef: "user:default/jane",
		Role: auth.RoleAdmin, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: t0})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if jane.ID == "" {
		t.Fatal("CreateUser returned no ID")
	}
	bot, err := s.CreateUser(ctx, auth.User{Name: "ci-bot", Role: auth.RoleViewer, ServiceAccount: true})
	if err != nil {
		t.Fatalf("CreateUser(service account): %v", err)
	}
	if bot.CreatedAt.IsZero() {
		t.Error("CreateUser without CreatedAt: CreatedAt not assigned")
	}
	want := auth.User{ID: jane.ID, Name: "Jane", Email: "jane@fernway.example", UserRef: "user:default/jane",
		Role: auth.RoleAdmin, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: at(0)}
	for _, tt := range []struct {
		name string
		get  func() (auth.User, error)
	}{
		{"UserByID", func() (auth.User, error) { return s.UserByID(ctx, jane.ID) }},
		{"UserByName", func() (auth.User, error) { return s.UserByName(ctx, "Jane") }},
		{"UserByName lower case", func() (auth.User, error) { return s.UserByName(ctx, "jane") }},
		{"UserByRef", func() (auth.User, error) { return s.UserByRef(ctx, "user:default/jane") }},
		{"UserByRef any case", func() (auth.User, error) { return s.UserByRef(ctx, "User:Default/Jane") }},
	} {
		got, err := tt.get()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	for name, err := range map[string]error{
		"UserByID unknown":   second(s.UserByID(ctx, "no-such-id")),
		"UserByName unknown": second(s.UserByName(ctx, "nobody")),
		"UserByRef unknown":  second(s.UserByRef(ctx, "user:default/nobody")),
		"UserByRef empty":    second(s.UserByRef(ctx, "")),
	} {
		wantErr(t, name, err, auth.ErrNotFound)
	}
	users, err := s.Users(ctx)
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if diff := cmp.Diff([]string{"ci-bot", "Jane"}, names); diff != "" {
		t.Errorf("Users names, by name (-want +got):\n%s", diff)
	}
	if !users[0].ServiceAccount || users[1].ServiceAccount {
		t.Errorf("Users ServiceAccount = %v, %v; want true, false", users[0].ServiceAccount, users[1].ServiceAccount)
	}
}

func testUserConflicts(t *testing.T, s auth.Store) {
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, auth.User{Name: "jane", UserRef: "user:default/jane", Role: auth.RoleViewer}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	for _, tt := range []struct {
		name string
		u    auth.User
		want error
	}{
		{"same name", auth.User{Name: "jane", Role: auth.RoleViewer}, auth.ErrConflict},
		{"name in another case", auth.User{Name: "JANE", Role: auth.RoleViewer}, auth.ErrConflict},
		{"same catalog user", auth.User{Name: "jane2", UserRef: "user:default/jane", Role: auth.RoleViewer}, auth.ErrConflict},
		{"empty name", auth.User{Name: " ", Role: auth.RoleViewer}, auth.ErrInvalid},
	} {
		_, err := s.CreateUser(ctx, tt.u)
		wantErr(t, "CreateUser "+tt.name, err, tt.want)
	}
	// Users without a catalog user don't collide on the empty ref.
	for _, name := range []string{"bot-1", "bot-2"} {
		if _, err := s.CreateUser(ctx, auth.User{Name: name, Role: auth.RoleViewer, ServiceAccount: true}); err != nil {
			t.Errorf("CreateUser(%q) without a user ref: %v", name, err)
		}
	}
	if users, err := s.Users(ctx); err != nil || len(users) != 3 {
		t.Errorf("Users after conflicts = %d users, %v; want 3", len(users), err)
	}
}

func testUpdateUser(t *testing.T, s auth.Store) {
	ctx := t.Context()
	u := mustUser(t, s, "jane")
	other := mustUser(t, s, "omar")
	other.UserRef = "user:default/omar"
	if err := s.UpdateUser(ctx, other); err != nil {
		t.Fatalf("UpdateUser(omar): %v", err)
	}
	u.Email, u.UserRef, u.Role, u.PasswordHash, u.Disabled = "j@x.example", "User:Default/Jane", auth.RoleAdmin, "h2", true
	u.Name, u.ServiceAccount = "renamed", true // immutable: ignored
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	got, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	want := auth.User{ID: u.ID, Name: "jane", Email: "j@x.example", UserRef: "user:default/jane", Role: auth.RoleAdmin,
		PasswordHash: "h2", Disabled: true, CreatedAt: at(0)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("user after UpdateUser (-want +got):\n%s", diff)
	}
	wantErr(t, "UpdateUser unknown id", s.UpdateUser(ctx, auth.User{ID: "no-such-id", Role: auth.RoleViewer}), auth.ErrNotFound)
	got.UserRef = "user:default/omar"
	wantErr(t, "UpdateUser to another user's ref", s.UpdateUser(ctx, got), auth.ErrConflict)
}

// second returns the error of a two-result call.
func second[T any](_ T, err error) error { return err }
