package auth_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nextportal/portal/auth"
)

func TestAudit(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	for i := range 105 {
		ev := auth.AuditEvent{Actor: "user:jane", Action: fmt.Sprintf("act-%03d", i), Remote: "cli"}
		if err := e.svc.Record(ctx, ev); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	for _, bad := range []auth.AuditEvent{{Action: "x"}, {Actor: "user:jane"}} {
		if err := e.svc.Record(ctx, bad); !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("Record(%+v) error = %v, want ErrInvalid", bad, err)
		}
	}
	page, err := e.svc.Audit(ctx, auth.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 100 || page[0].Action != "act-104" || !page[0].At.Equal(e.clock.Now()) {
		t.Errorf("Audit() = %d events, first %+v; want 100 (the default), newest first, stamped by the clock", len(page), page[0])
	}
	rest, err := e.svc.Audit(ctx, auth.AuditQuery{BeforeID: page[len(page)-1].ID, Limit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 5 || rest[4].Action != "act-000" {
		t.Errorf("Audit(next page) = %d events, want the 5 oldest", len(rest))
	}
	if _, err := e.svc.Audit(ctx, auth.AuditQuery{BeforeID: -1}); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("Audit(negative cursor) error = %v, want ErrInvalid", err)
	}
}
