package notify

import "time"

// State is where a delivery stands.
type State string

// The states of a delivery.
const (
	// Pending deliveries wait for a worker (their first try or a retry at NextAt).
	Pending State = "pending"
	// Sent deliveries reached their channel.
	Sent State = "sent"
	// Dead deliveries failed their last try; Resend puts them back to Pending.
	Dead State = "dead"
)

// Valid reports whether s is a known state.
func (s State) Valid() bool { return s == Pending || s == Sent || s == Dead }

// Delivery is a Message bound for one channel, as the outbox keeps it.
type Delivery struct {
	ID      int64
	Key     string
	Channel string
	Message Message
	State   State
	// Attempts counts the tries made so far.
	Attempts int
	// NextAt is when a pending delivery is next due.
	NextAt    time.Time
	LastError string
	CreatedAt time.Time
	// UpdatedAt is the time of the last change (enqueue, attempt, resend).
	UpdatedAt time.Time
	// SentAt is when it was sent; zero until then.
	SentAt time.Time
}

// Outcome is the result of one attempt to send a claimed delivery, recorded by
// Store.FinishDelivery.
type Outcome struct {
	ID       int64
	State    State // Sent, Pending (retry at NextAt) or Dead
	Attempts int
	NextAt   time.Time
	Error    string
	At       time.Time
}

// DeliveryQuery selects deliveries, newest first: every field set narrows the result.
type DeliveryQuery struct {
	State   State
	Key     string
	Channel string
	// Before is a cursor: only deliveries with ID < Before (0: no bound).
	Before int64
	Limit  int
}
