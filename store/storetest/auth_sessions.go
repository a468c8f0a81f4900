package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
)

func testSessions(t *testing.T, s auth.Store) {
	ctx := t.Context()
	jane := mustUser(t, s, "jane")
	live := auth.Session{Hash: "s-live", UserID: jane.ID, CSRF: "csrf-1", Via: "password", CreatedAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	old := auth.Session{Hash: "s-old", UserID: "oidc:user:default/omar", CSRF: "csrf-2", Via: "oidc", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	for _, sess := range []auth.Session{live, old} {
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession(%s): %v", sess.Hash, err)
		}
	}
	wantErr(t, "CreateSession same hash", s.CreateSession(ctx, live), auth.ErrConflict)
	wantErr(t, "CreateSession without hash", s.CreateSession(ctx, auth.Session{UserID: jane.ID, ExpiresAt: t0}), auth.ErrInvalid)
	got, err := s.SessionByHash(ctx, "s-live")
	if err != nil {
		t.Fatalf("SessionByHash: %v", err)
	}
	want := live
	want.CreatedAt, want.ExpiresAt = at(0), at(12*time.Hour)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SessionByHash (-want +got):\n%s", diff)
	}
	wantErr(t, "SessionByHash unknown", second(s.SessionByHash(ctx, "nope")), auth.ErrNotFound)

	// At t0+2h "s-old" has expired: still readable until deleted, then gone.
	if _, err := s.SessionByHash(ctx, "s-old"); err != nil {
		t.Errorf("SessionByHash of an expired session: %v", err)
	}
	if err := s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("DeleteExpiredSessions: %v", err)
	}
	wantErr(t, "SessionByHash after DeleteExpiredSessions", second(s.SessionByHash(ctx, "s-old")), auth.ErrNotFound)
	if _, err := s.SessionByHash(ctx, "s-live"); err != nil {
		t.Errorf("DeleteExpiredSessions removed a live session: %v", err)
	}
	for range 2 { // deleting a missing session is not an error
		if err := s.DeleteSession(ctx, "s-live"); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
	}
	wantErr(t, "SessionByHash after DeleteSession", second(s.SessionByHash(ctx, "s-live")), auth.ErrNotFound)
}

func testAudit(t *testing.T, s auth.Store) {
	ctx := t.Context()
	events := []auth.AuditEvent{
		{At: t0, Actor: "user:jane", Action: "POST /api/catalog/locations", Target: "file:/x", Status: 201, Remote: "10.0.0.1"},
		{At: t0.Add(time.Second), Actor: "token:ci", Action: "POST /api/catalog/refresh", Target: "component:default/a", Status: 200, Remote: "10.0.0.2"},
		{At: t0.Add(2 * time.Second), Actor: "user:jane", Action: "user.add", Target: "omar", Remote: "cli", Details: "role viewer"},
		{At: t0.Add(3 * time.Second), Actor: "user:omar", Action: "token_100%", Target: "t"},
	}
	for _, e := range events {
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatalf("AppendAudit(%s): %v", e.Action, err)
		}
	}
	all, err := s.Audit(ctx, auth.AuditQuery{})
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	if len(all) != len(events) {
		t.Fatalf("Audit returned %d events, want %d", len(all), len(events))
	}
	want := events[2]
	want.ID, want.At = all[1].ID, at(2*time.Second)
	if diff := cmp.Diff(want, all[1]); diff != "" {
		t.Errorf("Audit()[1] (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		name string
		q    auth.AuditQuery
		want []string
	}{
		{"all, newest first", auth.AuditQuery{}, []string{"token_100%", "user.add", "POST /api/catalog/refresh", "POST /api/catalog/locations"}},
		{"actor exact", auth.AuditQuery{Actor: "user:jane"}, []string{"user.add", "POST /api/catalog/locations"}},
		{"actor is not a substring match", auth.AuditQuery{Actor: "jane"}, nil},
		{"action substring, any case", auth.AuditQuery{Action: "catalog/LOC"}, []string{"POST /api/catalog/locations"}},
		{"action wildcards are literal", auth.AuditQuery{Action: "_100%"}, []string{"token_100%"}},
		{"percent alone matches only itself", auth.AuditQuery{Action: "%"}, []string{"token_100%"}},
		{"actor and action", auth.AuditQuery{Actor: "user:jane", Action: "POST"}, []string{"POST /api/catalog/locations"}},
		{"limit", auth.AuditQuery{Limit: 2}, []string{"token_100%", "user.add"}},
		{"before id", auth.AuditQuery{BeforeID: all[1].ID}, []string{"POST /api/catalog/refresh", "POST /api/catalog/locations"}},
	} {
		got, err := s.Audit(ctx, tt.q)
		if err != nil {
			t.Fatalf("Audit(%s): %v", tt.name, err)
		}
		var actions []string
		for _, e := range got {
			actions = append(actions, e.Action)
		}
		if diff := cmp.Diff(tt.want, actions); diff != "" {
			t.Errorf("Audit(%s) actions (-want +got):\n%s", tt.name, diff)
		}
	}
}

func testAuditPaging(t *testing.T, s auth.Store) {
	ctx := t.Context()
	const n = 25
	for i := range n {
		actor := "user:a"
		if i%2 == 1 {
			actor = "user:b"
		}
		if err := s.AppendAudit(ctx, auth.AuditEvent{At: t0, Actor: actor, Action: fmt.Sprintf("act-%02d", i)}); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
	}
	for _, tt := range []struct {
		name  string
		actor string
		want  int
	}{{"everyone", "", n}, {"one actor", "user:a", (n + 1) / 2}} {
		var seen []string
		var before int64
		lastID := int64(1 << 62)
		for pages := 0; ; pages++ {
			if pages > n {
				t.Fatalf("%s: paging does not end", tt.name)
			}
			page, err := s.Audit(ctx, auth.AuditQuery{Actor: tt.actor, BeforeID: before, Limit: 4})
			if err != nil {
				t.Fatalf("Audit: %v", err)
			}
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				if e.ID >= lastID {
					t.Fatalf("%s: id %d after %d: not newest first", tt.name, e.ID, lastID)
				}
				lastID = e.ID
				seen = append(seen, e.Action)
			}
			before = page[len(page)-1].ID
		}
		if len(seen) != tt.want {
			t.Errorf("%s: paging saw %d events, want %d: %v", tt.name, len(seen), tt.want, seen)
		}
		if seen[0] != fmt.Sprintf("act-%02d", n-1) && tt.actor == "" {
			t.Errorf("%s: first event %s, want the newest act-%02d", tt.name, seen[0], n-1)
		}
	}
}
