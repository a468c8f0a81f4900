package incident

import (
	"strings"
	"time"
)

// Severity is how bad an incident is: critical > high > warning > info.
type Severity string

// Severities, worst first.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityWarning  Severity = "warning"
	SeverityInfo     Severity = "info"
)

// Rank orders severities: critical 4, high 3, warning 2, info 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// ParseSeverity maps a severity as outside systems spell it (Alertmanager labels,
// PagerDuty's critical/error/warning/info, "page", "sev1") to a Severity; ok is false for an
// unknown word.
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical", "crit", "page", "sev1", "p1", "fatal", "emergency":
		return SeverityCritical, true
	case "high", "error", "err", "major", "sev2", "p2":
		return SeverityHigh, true
	case "warning", "warn", "minor", "sev3", "p3":
		return SeverityWarning, true
	case "info", "informational", "low", "none", "sev4", "p4", "p5":
		return SeverityInfo, true
	}
	return "", false
}

// Status is where an incident stands.
type Status string

// Statuses.
const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusResolved     Status = "resolved"
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	return s == StatusOpen || s == StatusAcknowledged || s == StatusResolved
}

// Sources of incidents: Incident.Source.
const (
	SourceAnomaly      = "anomaly"
	SourceAlertmanager = "alertmanager"
	SourceEvents       = "events"
	SourcePostmortem   = "postmortem"
	SourceManual       = "manual"
)

// Incident is something that went wrong with one or more catalog entities.
type Incident struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Summary  string   `json:"summary,omitempty"`
	Severity Severity `json:"severity"`
	Status   Status   `json:"status"`
	// Source is where the incident came from: SourceAnomaly, SourceAlertmanager, …
	Source string `json:"source"`
	// Fingerprint is the dedup key, unique per Source.
	Fingerprint string `json:"fingerprint"`
	// Entities are the canonical refs of the affected entities, e.g.
	// component:default/payments-api.
	Entities []string `json:"entities"`
	// Series is the metric series when the incident comes from anomalies ("" otherwise).
	Series     string            `json:"series,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	RootCause  string            `json:"rootCause,omitempty"`
	Resolution string            `json:"resolution,omitempty"`
	Links      []Link            `json:"links,omitempty"`
	OpenedAt   time.Time         `json:"openedAt"`
	UpdatedAt  time.Time         `json:"updatedAt"`
	// ResolvedAt is zero while the incident is not resolved.
	ResolvedAt time.Time `json:"resolvedAt,omitzero"`
	// LastSeenAt is when the last signal (anomaly, alert, event) arrived for it.
	LastSeenAt time.Time `json:"lastSeenAt,omitzero"`
	// Count is how many signals were grouped into it.
	Count    int     `json:"count"`
	Timeline []Event `json:"timeline,omitempty"`
	// Seq is the change sequence: it strictly increases on every change to any incident.
	Seq int64 `json:"seq"`
}

// Link is a titled URL attached to an incident: a chart, a runbook, a postmortem.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Event is one entry of an incident's timeline.
type Event struct {
	At    time.Time `json:"at"`
	Kind  string    `json:"kind"` // opened, updated, acknowledged, resolved, reopened, note
	Text  string    `json:"text"`
	Actor string    `json:"actor,omitempty"`
}

// Event kinds.
const (
	EventOpened       = "opened"
	EventUpdated      = "updated"
	EventAcknowledged = "acknowledged"
	EventResolved     = "resolved"
	EventReopened     = "reopened"
	EventNote         = "note"
)

// Ref is the incident's source reference for citations: "incident:<id>".
func (i Incident) Ref() string { return "incident:" + i.ID }

// URL is where the portal shows the incident.
func (i Incident) URL() string { return "/incidents/" + i.ID }
