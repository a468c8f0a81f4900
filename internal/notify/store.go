package notify

import (
	"context"
	"time"
)

// Store keeps the outbox's deliveries.
type Store interface {
	// EnqueueDeliveries stores ds as pending deliveries due at their NextAt. One whose
	// (Key, Channel) is already stored is skipped, whatever its state; it returns how many
	// were new.
	EnqueueDeliveries(ctx context.Context, ds []Delivery) (int, error)
	// ClaimDeliveries leases to token until leaseUntil at most limit pending deliveries due at
	// now (NextAt <= now) that no live lease holds, oldest due first, and returns them. Two
	// callers never get the same delivery while its lease lasts.
	ClaimDeliveries(ctx context.Context, token string, now, leaseUntil time.Time, limit int) ([]Delivery, error)
	// FinishDelivery records the outcome of an attempt on a delivery token has claimed and
	// releases the lease, in one step. ErrConflict when token no longer holds the lease
	// (it expired and another worker claimed the delivery); nothing changes then.
	FinishDelivery(ctx context.Context, token string, o Outcome) error
	// ReleaseDelivery gives up token's lease without recording an attempt (shutdown).
	ReleaseDelivery(ctx context.Context, token string, id int64) error
	// Delivery returns one delivery; ErrNotFound when it does not exist.
	Delivery(ctx context.Context, id int64) (Delivery, error)
	// Deliveries returns the deliveries matching q, newest (highest ID) first.
	Deliveries(ctx context.Context, q DeliveryQuery) ([]Delivery, error)
	// ResendDelivery puts a dead or sent delivery back to pending, due at now with no
	// attempts, and returns it. ErrNotFound for an unknown delivery; ErrConflict for one
	// still pending.
	ResendDelivery(ctx context.Context, id int64, now time.Time) (Delivery, error)
}
