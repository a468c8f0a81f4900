package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
)

// State is where an alert stands.
type State string

// The states of an alert.
const (
	// Pending alerts wait for their rule's For before they fire; nothing is notified yet.
	Pending State = "pending"
	// Firing alerts were notified and are repeated every Repeat.
	Firing State = "firing"
	// Acknowledged alerts are being handled: no repeats.
	Acknowledged State = "acknowledged"
	// Snoozed alerts are silent until SnoozedUntil, then fire again.
	Snoozed State = "snoozed"
	// Resolved alerts are over: their incident resolved, or someone resolved them.
	Resolved State = "resolved"
)

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	switch s {
	case Pending, Firing, Acknowledged, Snoozed, Resolved:
		return true
	}
	return false
}

// Alert is one rule's alert about one incident, updated in place as the incident grows.
type Alert struct {
	// ID is derived from the rule and the incident, so replicas agree on it.
	ID         string `json:"id"`
	RuleID     string `json:"ruleId"`
	IncidentID string `json:"incidentId"`
	State      State  `json:"state"`
	// Version counts the notified state changes; the outbox key of change v is
	// alert:<id>:<v>.
	Version  int               `json:"version"`
	Severity incident.Severity `json:"severity"`
	Title    string            `json:"title"`
	Summary  string            `json:"summary,omitempty"`
	Source   string            `json:"source"`
	Series   string            `json:"series,omitempty"`
	// IncidentStatus and IncidentSeq are the incident as last seen.
	IncidentStatus incident.Status `json:"incidentStatus"`
	IncidentSeq    int64           `json:"incidentSeq"`
	// Count is how many signals the incident grouped.
	Count int `json:"count"`
	Enrichment
	// For, Repeat and Channels are the rule's when the alert last changed.
	For      time.Duration `json:"forNs"`
	Repeat   time.Duration `json:"repeatNs"`
	Channels []string      `json:"channels,omitempty"`
	// Actor is who made the last manual change (ack, snooze, resolve).
	Actor    string    `json:"actor,omitempty"`
	OpenedAt time.Time `json:"openedAt"`
	// FiredAt is when the alert last started firing (first, reopened, or woken from a snooze).
	FiredAt      time.Time `json:"firedAt,omitzero"`
	NotifiedAt   time.Time `json:"notifiedAt,omitzero"`
	SnoozedUntil time.Time `json:"snoozedUntil,omitzero"`
	ResolvedAt   time.Time `json:"resolvedAt,omitzero"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// Enrichment is the context an alert carries for whoever is on call.
type Enrichment struct {
	Entity      string    `json:"entity"`
	EntityTitle string    `json:"entityTitle,omitempty"`
	Owner       string    `json:"owner,omitempty"`
	OnCall      string    `json:"onCall,omitempty"`
	IncidentURL string    `json:"incidentUrl,omitempty"`
	ChartURL    string    `json:"chartUrl,omitempty"`
	RunbookURL  string    `json:"runbookUrl,omitempty"`
	EntityURL   string    `json:"entityUrl,omitempty"`
	Similar     []Similar `json:"similar,omitempty"`
}

// Similar is a past incident like the alert's, and how it ended.
type Similar struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Resolution string    `json:"resolution,omitempty"`
	RootCause  string    `json:"rootCause,omitempty"`
	URL        string    `json:"url"`
	OpenedAt   time.Time `json:"openedAt"`
}

// WakeAt is when time alone next changes a: a pending alert fires after For, a snoozed
// one wakes, a firing one repeats. Zero when nothing is due with time.
func (a *Alert) WakeAt() time.Time {
	switch {
	case a.State == Pending:
		return a.OpenedAt.Add(a.For)
	case a.State == Snoozed:
		return a.SnoozedUntil
	case a.State == Firing && a.Repeat > 0:
		return a.NotifiedAt.Add(a.Repeat)
	}
	return time.Time{}
}

// alertID is the ID of rule's alert about an incident.
func alertID(ruleID, incidentID string) string {
	h := sha256.Sum256([]byte(ruleID + "\x00" + incidentID))
	return "al-" + hex.EncodeToString(h[:8])
}

// Query selects alerts, newest created first: every field set narrows the result.
type Query struct {
	State    State
	RuleID   string
	Incident string
	Entity   string
	Owner    string
	// Severity keeps this severity or worse.
	Severity incident.Severity
	// AfterCreated and AfterID are a cursor: the last alert of the previous page.
	AfterCreated time.Time
	AfterID      string
	Limit        int
}
