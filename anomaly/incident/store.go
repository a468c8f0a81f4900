package incident

import (
	"context"
	"time"

	"github.com/nextportal/portal/anomaly"
)

// Store keeps incidents, their timelines and the cursor over stored anomalies. Every write
// gives the incident a new Seq, strictly greater than any Seq a reader could already see.
type Store interface {
	// Incident returns one incident with its timeline; ErrNotFound when there is none.
	Incident(ctx context.Context, id string) (Incident, error)
	// Incidents returns the incidents matching q without their timelines, newest opened
	// first (ties by ID), at most q.Limit.
	Incidents(ctx context.Context, q Query) ([]Incident, error)
	// Changed returns the incidents with Seq > after, ascending by Seq, at most limit,
	// without their timelines.
	Changed(ctx context.Context, after int64, limit int) ([]Incident, error)
	// Upsert loads the incident of source and fingerprint (found false, inc holding only
	// Source and Fingerprint, when there is none), lets fn change it and stores the result
	// with the events fn returns appended to its timeline, in one transaction. When fn
	// returns no event nothing is written. It returns the incident as stored.
	Upsert(ctx context.Context, source, fingerprint string, fn UpdateFunc) (Incident, error)
	// Update is Upsert by ID; ErrNotFound when there is no such incident (fn is not called).
	Update(ctx context.Context, id string, fn UpdateFunc) (Incident, error)
	// FoldAnomalies reads up to limit anomalies stored after the anomaly cursor, oldest
	// first, and calls fn once per series (in order of each series' first anomaly) with that
	// series' anomalies and its latest anomaly incident (nil if none). The writes fn returns,
	// and the cursor moved past the anomalies read, are stored in one transaction, so a crash
	// folds each anomaly exactly once. It returns how many anomalies it read.
	FoldAnomalies(ctx context.Context, limit int, fn FoldFunc) (int, error)
	// OpenAnomalyIncidents returns unresolved anomaly incidents last seen before before.
	OpenAnomalyIncidents(ctx context.Context, before time.Time, limit int) ([]Incident, error)
}

// UpdateFunc changes inc in place and returns the timeline events describing the change;
// none means no change.
type UpdateFunc func(inc *Incident, found bool) ([]Event, error)

// FoldFunc groups one series' new anomalies into incidents; see Store.FoldAnomalies.
type FoldFunc func(series, entity string, anomalies []anomaly.Anomaly, latest *Incident) ([]Write, error)

// Write is an incident to store with the events to append to its timeline. An Incident
// whose ID the store does not hold is created.
type Write struct {
	Incident Incident
	Events   []Event
}

// Query selects incidents; every field set narrows the result.
type Query struct {
	Status   Status
	Severity Severity // this severity or worse
	Entity   string   // canonical entity ref among the incident's entities
	Entities []string // any of these refs (an owner's entities)
	Source   string
	// After is a cursor: the (OpenedAt, ID) of the last incident of the previous page.
	AfterOpened time.Time
	AfterID     string
	Limit       int
}
