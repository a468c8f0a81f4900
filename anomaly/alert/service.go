package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/internal/notify"
)

// Incidents is the incident feed the engine follows and the similar-incident lookup
// (incident.Service).
type Incidents interface {
	Changed(ctx context.Context, after int64, limit int) ([]incident.Incident, error)
	Similar(ctx context.Context, inc incident.Incident, n int) ([]incident.Incident, error)
}

// Outbox turns messages into deliveries that SaveAlert stores with the alert
// (notify.Outbox).
type Outbox interface {
	Prepare(m notify.Message) ([]notify.Delivery, error)
	Channels() []string
}

// Options configure a Service.
type Options struct {
	// BaseURL is the portal's public URL, the prefix of every link in a notification.
	BaseURL string
	// Directory describes entities (owner, on-call, runbook links); nil leaves alerts
	// without them and rules with an owner or selector matching nothing.
	Directory Directory
	// Runbooks finds an entity's runbook document when its links name none; may be nil.
	Runbooks RunbookFinder
	Logger   *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service keeps rules and alerts and runs the engine.
type Service struct {
	store     Store
	incidents Incidents
	outbox    Outbox
	o         Options
	log       *slog.Logger
}

// NewService returns a service over store following incidents and notifying through outbox.
func NewService(store Store, incidents Incidents, outbox Outbox, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &Service{store: store, incidents: incidents, outbox: outbox, o: o, log: o.Logger.With("component", "alert")}
}

// Rules returns every rule.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) { return s.store.AlertRules(ctx) }

// Rule returns one rule.
func (s *Service) Rule(ctx context.Context, id string) (Rule, error) {
	return s.store.AlertRule(ctx, id)
}

// CreateRule validates and stores a new rule; ErrConflict when its ID exists.
func (s *Service) CreateRule(ctx context.Context, r Rule) (Rule, error) {
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	r.CreatedAt = s.o.Now().UTC()
	r.UpdatedAt = r.CreatedAt
	if err := s.store.CreateAlertRule(ctx, r); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// UpdateRule validates and replaces a rule, keeping its creation time.
func (s *Service) UpdateRule(ctx context.Context, r Rule) (Rule, error) {
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	old, err := s.store.AlertRule(ctx, r.ID)
	if err != nil {
		return Rule{}, err
	}
	r.CreatedAt, r.UpdatedAt = old.CreatedAt, s.o.Now().UTC()
	if err := s.store.UpdateAlertRule(ctx, r); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// DeleteRule removes a rule; its alerts stay.
func (s *Service) DeleteRule(ctx context.Context, id string) error {
	return s.store.DeleteAlertRule(ctx, id)
}

// Alert returns one alert.
func (s *Service) Alert(ctx context.Context, id string) (Alert, error) { return s.store.Alert(ctx, id) }

// Alerts lists alerts, newest first.
func (s *Service) Alerts(ctx context.Context, q Query) ([]Alert, error) {
	if q.State != "" && !q.State.Valid() {
		return nil, errkind.Errorf(ErrInvalid, "alert state %q: want pending, firing, acknowledged, snoozed or resolved", cut(string(q.State), 40))
	}
	if q.Severity != "" && q.Severity.Rank() == 0 {
		return nil, errkind.Errorf(ErrInvalid, "severity %q: want info, warning, high or critical", cut(string(q.Severity), 40))
	}
	return s.store.Alerts(ctx, q)
}

// Acknowledge marks an alert as being handled by actor: no more repeats.
func (s *Service) Acknowledge(ctx context.Context, id, actor string) (Alert, error) {
	return s.change(ctx, id, func(a *Alert, now time.Time) error {
		switch a.State {
		case Resolved:
			return errkind.Errorf(ErrConflict, "alert %s is resolved", id)
		case Acknowledged:
			return errNoChange
		}
		a.State, a.Actor = Acknowledged, actor
		return nil
	})
}

// Snooze silences an alert until until (at most 30 days ahead), after which it fires again
// if its incident is still open.
func (s *Service) Snooze(ctx context.Context, id, actor string, until time.Time) (Alert, error) {
	return s.change(ctx, id, func(a *Alert, now time.Time) error {
		switch {
		case !until.After(now) || until.Sub(now) > maxDuration:
			return errkind.Errorf(ErrInvalid, "snooze alert %s: until must be in the next 30 days", id)
		case a.State == Resolved:
			return errkind.Errorf(ErrConflict, "alert %s is resolved", id)
		}
		a.State, a.Actor, a.SnoozedUntil = Snoozed, actor, until.UTC()
		return nil
	})
}

// Resolve ends an alert by hand. Should its incident change again while open, the alert
// fires again.
func (s *Service) Resolve(ctx context.Context, id, actor string) (Alert, error) {
	return s.change(ctx, id, func(a *Alert, now time.Time) error {
		if a.State == Resolved {
			return errNoChange
		}
		a.State, a.Actor, a.ResolvedAt = Resolved, actor, now
		return nil
	})
}

// errNoChange tells change the alert is already as asked.
var errNoChange = errors.New("no change")

// change applies a manual state change and notifies it, retrying once when another
// replica changed the alert in between.
func (s *Service) change(ctx context.Context, id string, f func(a *Alert, now time.Time) error) (Alert, error) {
	for try := 0; ; try++ {
		a, err := s.store.Alert(ctx, id)
		if err != nil {
			return Alert{}, err
		}
		prev, now := a.Version, s.o.Now().UTC()
		if err := f(&a, now); errors.Is(err, errNoChange) {
			return a, nil
		} else if err != nil {
			return Alert{}, err
		}
		err = s.save(ctx, &a, prev, true, now)
		if errors.Is(err, ErrConflict) && try == 0 {
			continue
		}
		if err != nil {
			return Alert{}, fmt.Errorf("change alert %s: %w", id, err)
		}
		return a, nil
	}
}
