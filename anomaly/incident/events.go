package incident

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// PagerDutyEvent is a PagerDuty Events API v2 event (POST /v2/enqueue's body).
type PagerDutyEvent struct {
	RoutingKey  string           `json:"routing_key"`
	EventAction string           `json:"event_action"`
	DedupKey    string           `json:"dedup_key"`
	Payload     PagerDutyPayload `json:"payload"`
	Client      string           `json:"client"`
	ClientURL   string           `json:"client_url"`
	Links       []struct {
		Href string `json:"href"`
		Text string `json:"text"`
	} `json:"links"`
}

// PagerDutyPayload is an event's payload.
type PagerDutyPayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     time.Time      `json:"timestamp"`
	Component     string         `json:"component"`
	Group         string         `json:"group"`
	Class         string         `json:"class"`
	CustomDetails map[string]any `json:"custom_details"`
}

// validate checks an event as PagerDuty does: a routing key, a known action, and for a
// trigger a summary, a source and a severity; acknowledge and resolve need the dedup key.
func (e *PagerDutyEvent) validate() error {
	switch {
	case e.RoutingKey == "" || len(e.RoutingKey) > 200:
		return errkind.Errorf(ErrInvalid, "routing_key: required, at most 200 bytes")
	case e.EventAction != "trigger" && e.EventAction != "acknowledge" && e.EventAction != "resolve":
		return errkind.Errorf(ErrInvalid, "event_action %.20q: want trigger, acknowledge or resolve", e.EventAction)
	case len(e.DedupKey) > 255:
		return errkind.Errorf(ErrInvalid, "dedup_key: at most 255 bytes")
	case e.EventAction != "trigger" && e.DedupKey == "":
		return errkind.Errorf(ErrInvalid, "dedup_key: required to %s", e.EventAction)
	case len(e.Links) > MaxLinks:
		return errkind.Errorf(ErrInvalid, "links: at most %d", MaxLinks)
	}
	if e.EventAction != "trigger" {
		return nil
	}
	p := e.Payload
	switch {
	case p.Summary == "" || len(p.Summary) > 1024:
		return errkind.Errorf(ErrInvalid, "payload.summary: required, at most 1024 bytes")
	case p.Source == "" || len(p.Source) > 255:
		return errkind.Errorf(ErrInvalid, "payload.source: required, at most 255 bytes")
	case len(p.Component) > 255 || len(p.Group) > 255 || len(p.Class) > 255:
		return errkind.Errorf(ErrInvalid, "payload: component, group and class are at most 255 bytes")
	}
	if p.Severity != "critical" && p.Severity != "error" && p.Severity != "warning" && p.Severity != "info" {
		return errkind.Errorf(ErrInvalid, "payload.severity %.20q: want critical, error, warning or info", p.Severity)
	}
	return nil
}

// RecordEvent applies a PagerDuty Events API v2 event: trigger opens (or reopens) the
// incident of its dedup key, acknowledge acknowledges it and resolve resolves it. A trigger
// without a dedup key gets one (returned). A malformed event is refused with ErrInvalid and
// changes nothing.
func (s *Service) RecordEvent(ctx context.Context, e PagerDutyEvent) (dedupKey string, err error) {
	if err := e.validate(); err != nil {
		return "", err
	}
	key := e.DedupKey
	if key == "" {
		sum := sha256.Sum256([]byte(e.RoutingKey + "\x00" + e.Payload.Source + "\x00" + e.Payload.Summary))
		key = hex.EncodeToString(sum[:16])
	}
	sig := signal{source: SourceEvents, fingerprint: e.RoutingKey + ":" + key, firing: e.EventAction == "trigger",
		ack: e.EventAction == "acknowledge", actor: "events"}
	if e.Client != "" {
		sig.actor = truncate(e.Client, 100)
	}
	if sig.firing {
		p := e.Payload
		labels := map[string]string{"source": p.Source}
		for k, v := range map[string]string{"component": p.Component, "group": p.Group, "class": p.Class} {
			if v != "" {
				labels[k] = v
			}
		}
		if ent, ok := p.CustomDetails["entity"].(string); ok && len(ent) <= 255 {
			labels["entity"] = ent
		}
		ents, err := s.entitiesFor(ctx, labels, map[string]string{"service": p.Source})
		if err != nil {
			return "", err
		}
		sev, _ := ParseSeverity(p.Severity)
		sig.title, sig.severity, sig.labels, sig.entities, sig.startsAt = p.Summary, sev, labels, ents, p.Timestamp
		if len(sig.title) > MaxTitleLen {
			sig.title = truncate(sig.title, MaxTitleLen)
		}
		if d, ok := p.CustomDetails["description"].(string); ok {
			sig.summary = d
		}
		for _, l := range e.Links {
			sig.links = append(sig.links, Link{Title: truncate(l.Text, 200), URL: truncate(l.Href, 2000)})
		}
		if e.ClientURL != "" && len(sig.links) < MaxLinks {
			sig.links = append(sig.links, Link{Title: "Source", URL: truncate(e.ClientURL, 2000)})
		}
	}
	if _, _, err := s.apply(ctx, sig); err != nil {
		return "", fmt.Errorf("event %s: %w", key, err)
	}
	return key, nil
}
