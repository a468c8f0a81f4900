package alert

import (
	"context"
	"time"

	"github.com/nextportal/portal/internal/notify"
)

// Store keeps rules, alerts and the engine's cursor.
type Store interface {
	// AlertRules returns every rule, by ID.
	AlertRules(ctx context.Context) ([]Rule, error)
	// AlertRule returns one rule; ErrNotFound when there is none.
	AlertRule(ctx context.Context, id string) (Rule, error)
	// CreateAlertRule stores a new rule; ErrConflict when its ID exists.
	CreateAlertRule(ctx context.Context, r Rule) error
	// UpdateAlertRule replaces a rule; ErrNotFound when there is none.
	UpdateAlertRule(ctx context.Context, r Rule) error
	// DeleteAlertRule removes a rule (its alerts stay); ErrNotFound when there is none.
	DeleteAlertRule(ctx context.Context, id string) error

	// Alert returns one alert; ErrNotFound when there is none.
	Alert(ctx context.Context, id string) (Alert, error)
	// Alerts returns the alerts matching q, newest created first (ties by ID, descending).
	Alerts(ctx context.Context, q Query) ([]Alert, error)
	// DueAlerts returns up to limit alerts whose WakeAt is not after now, earliest first.
	DueAlerts(ctx context.Context, now time.Time, limit int) ([]Alert, error)
	// SaveAlert stores a, which the caller read at version prev (-1: a new alert), and
	// enqueues out in the same transaction (deliveries whose key exists are skipped).
	// ErrConflict when the stored alert is no longer at prev (or, for prev -1, exists):
	// another replica changed it first, and nothing is written.
	SaveAlert(ctx context.Context, a Alert, prev int, out []notify.Delivery) error

	// AlertCursor returns the engine cursor name's position (0 when never set).
	AlertCursor(ctx context.Context, name string) (int64, error)
	// SetAlertCursor moves cursor name from from to to; ErrConflict when it is no longer at
	// from.
	SetAlertCursor(ctx context.Context, name string, from, to int64, at time.Time) error
}
