package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// Audit log paging limits.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// Actor returns how p appears in the audit log: its kind and name, such as "user:jane",
// "service:ci" or "guest:guest".
func (p Principal) Actor() string {
	if !p.IsAuthenticated() {
		return string(KindAnonymous)
	}
	return string(p.Kind) + ":" + p.Name
}

// Record appends an event to the audit log, stamped with the service's clock when At is
// zero. Actor and Action are required (ErrInvalid).
func (s *Service) Record(ctx context.Context, e AuditEvent) error {
	if strings.TrimSpace(e.Actor) == "" || strings.TrimSpace(e.Action) == "" {
		return errkind.Errorf(ErrInvalid, "record audit event: actor and action are required")
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	if err := s.o.Store.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("record audit event: %w", err)
	}
	return nil
}

// Audit reads the audit log, newest first: at most q.Limit events (default 100, at most
// 1000) with ids below q.BeforeID when it is set.
func (s *Service) Audit(ctx context.Context, q AuditQuery) ([]AuditEvent, error) {
	if q.BeforeID < 0 {
		return nil, errkind.Errorf(ErrInvalid, "read audit log: negative cursor")
	}
	switch {
	case q.Limit <= 0:
		q.Limit = defaultAuditLimit
	case q.Limit > maxAuditLimit:
		q.Limit = maxAuditLimit
	}
	es, err := s.o.Store.Audit(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return es, nil
}
