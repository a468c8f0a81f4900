package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
)

// mustToken stores a token of u named name with hash hash, created at t0+age.
func mustToken(t *testing.T, s auth.Store, u auth.User, name, hash string, age time.Duration) auth.Token {
	t.Helper()
	tok, err := s.CreateToken(t.Context(), auth.Token{UserID: u.ID, Name: name, Scope: auth.ScopeRead, Hash: hash, CreatedAt: t0.Add(age)})
	if err != nil {
		t.Fatalf("CreateToken(%q): %v", name, err)
	}
	return tok
}

func testTokens(t *testing.T, s auth.Store) {
	ctx := t.Context()
	jane, omar := mustUser(t, s, "jane"), mustUser(t, s, "omar")
	tok, err := s.CreateToken(ctx, auth.Token{UserID: jane.ID, Name: "CI", Scope: auth.ScopeWrite, Hash: "h-ci",
		CreatedAt: t0, ExpiresAt: ptr(t0.Add(time.Hour))})
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if tok.ID == "" {
		t.Fatal("CreateToken returned no ID")
	}
	want := auth.Token{ID: tok.ID, UserID: jane.ID, Name: "CI", Scope: auth.ScopeWrite, Hash: "h-ci",
		CreatedAt: at(0), ExpiresAt: ptr(at(time.Hour))}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("CreateToken result (-want +got):\n%s", diff)
	}
	got, err := s.TokenByHash(ctx, "h-ci")
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TokenByHash (-want +got):\n%s", diff)
	}
	wantErr(t, "TokenByHash unknown", second(s.TokenByHash(ctx, "no-such-hash")), auth.ErrNotFound)
	wantErr(t, "CreateToken for unknown user",
		second(s.CreateToken(ctx, auth.Token{UserID: "no-such-user", Name: "x", Scope: auth.ScopeRead, Hash: "h-x"})), auth.ErrNotFound)

	mustToken(t, s, jane, "old", "h-old", -time.Hour)
	mustToken(t, s, jane, "new", "h-new", time.Hour)
	mustToken(t, s, omar, "omar's", "h-omar", 30*time.Minute)
	for _, tt := range []struct {
		name   string
		userID string
		want   []string
	}{
		{"jane's, newest first", jane.ID, []string{"new", "CI", "old"}},
		{"omar's", omar.ID, []string{"omar's"}},
		{"everyone's, newest first", "", []string{"new", "omar's", "CI", "old"}},
		{"unknown user", "no-such-user", nil},
	} {
		toks, err := s.Tokens(ctx, tt.userID)
		if err != nil {
			t.Fatalf("Tokens(%s): %v", tt.name, err)
		}
		var names []string
		for _, tk := range toks {
			names = append(names, tk.Name)
		}
		if diff := cmp.Diff(tt.want, names); diff != "" {
			t.Errorf("Tokens(%s) names (-want +got):\n%s", tt.name, diff)
		}
	}
}

func testTokenConflicts(t *testing.T, s auth.Store) {
	ctx := t.Context()
	jane, omar := mustUser(t, s, "jane"), mustUser(t, s, "omar")
	first := mustToken(t, s, jane, "ci", "h-1", 0)
	for _, tt := range []struct {
		name string
		tok  auth.Token
		want error
	}{
		{"same name", auth.Token{UserID: jane.ID, Name: "ci", Scope: auth.ScopeRead, Hash: "h-2"}, auth.ErrConflict},
		{"name in another case", auth.Token{UserID: jane.ID, Name: "CI", Scope: auth.ScopeRead, Hash: "h-2"}, auth.ErrConflict},
		{"same hash", auth.Token{UserID: omar.ID, Name: "other", Scope: auth.ScopeRead, Hash: "h-1"}, auth.ErrConflict},
		{"empty name", auth.Token{UserID: jane.ID, Name: "", Scope: auth.ScopeRead, Hash: "h-3"}, auth.ErrInvalid},
		{"empty hash", auth.Token{UserID: jane.ID, Name: "x", Scope: auth.ScopeRead}, auth.ErrInvalid},
	} {
		_, err := s.CreateToken(ctx, tt.tok)
		wantErr(t, "CreateToken "+tt.name, err, tt.want)
	}
	// Another user may use the name; and once revoked, the name is free again.
	mustToken(t, s, omar, "ci", "h-omar", 0)
	if err := s.RevokeToken(ctx, first.ID, t0); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	mustToken(t, s, jane, "ci", "h-again", time.Minute)
}

func testRevokeAndTouch(t *testing.T, s auth.Store) {
	ctx := t.Context()
	jane := mustUser(t, s, "jane")
	tok := mustToken(t, s, jane, "ci", "h-ci", 0)
	if err := s.TouchToken(ctx, tok.ID, t0.Add(time.Minute)); err != nil {
		t.Fatalf("TouchToken: %v", err)
	}
	if err := s.TouchToken(ctx, tok.ID, t0.Add(2*time.Minute)); err != nil {
		t.Fatalf("TouchToken again: %v", err)
	}
	if err := s.RevokeToken(ctx, tok.ID, t0.Add(3*time.Minute)); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	if err := s.RevokeToken(ctx, tok.ID, t0.Add(4*time.Minute)); err != nil {
		t.Fatalf("RevokeToken again: %v", err)
	}
	got, err := s.TokenByHash(ctx, "h-ci")
	if err != nil {
		t.Fatalf("TokenByHash of a revoked token: %v", err)
	}
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(at(2*time.Minute)) {
		t.Errorf("LastUsedAt = %v, want %v", got.LastUsedAt, at(2*time.Minute))
	}
	if got.RevokedAt == nil || !got.RevokedAt.Equal(at(3*time.Minute)) {
		t.Errorf("RevokedAt = %v, want the first revocation %v", got.RevokedAt, at(3*time.Minute))
	}
	wantErr(t, "RevokeToken unknown", s.RevokeToken(ctx, "no-such-id", t0), auth.ErrNotFound)
	wantErr(t, "TouchToken unknown", s.TouchToken(ctx, "no-such-id", t0), auth.ErrNotFound)
}
