package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/notify"
)

// MessageKey is the outbox key of an alert's state change version.
func MessageKey(id string, version int) string { return fmt.Sprintf("alert:%s:%d", id, version) }

// saveWith stores a (read at version prev; -1 for a new alert). When announce, it first makes
// the change a notified one: the version goes up, the enrichment is refreshed and the
// message for the new version is enqueued with the alert, in one transaction. inc is the
// incident as just seen, nil to rebuild it from the alert.
func (s *Service) saveWith(ctx context.Context, a *Alert, prev int, announce bool, now time.Time, inc *incident.Incident) error {
	a.UpdatedAt = now
	var out []notify.Delivery
	if announce {
		if inc == nil {
			i := incidentOf(a)
			inc = &i
		}
		if err := s.enrich(ctx, a, *inc); err != nil {
			return err
		}
		a.Version++
		a.NotifiedAt = now
		var err error
		if out, err = s.deliveries(a); err != nil {
			return err
		}
	}
	return s.store.SaveAlert(ctx, *a, prev, out)
}

// save is saveWith for a manual change, which notifies only alerts that have fired.
func (s *Service) save(ctx context.Context, a *Alert, prev int, announce bool, now time.Time) error {
	return s.saveWith(ctx, a, prev, announce && !a.FiredAt.IsZero(), now, nil)
}

// deliveries are the outbox deliveries of a's current version, on the rule's channels that
// are configured (all configured channels when the rule names none).
func (s *Service) deliveries(a *Alert) ([]notify.Delivery, error) {
	if s.outbox == nil {
		return nil, nil
	}
	configured := s.outbox.Channels()
	chans := configured
	if len(a.Channels) > 0 {
		chans = nil
		for _, c := range a.Channels {
			if slices.Contains(configured, c) {
				chans = append(chans, c)
			}
		}
	}
	if len(chans) == 0 {
		return nil, nil
	}
	m, err := s.Message(*a)
	if err != nil {
		return nil, err
	}
	m.Channels = chans
	return s.outbox.Prepare(m)
}

// Message renders a's current version as a notification: the summary, the facts an
// on-call engineer needs as fields, the links, and the whole alert as the webhook body.
func (s *Service) Message(a Alert) (notify.Message, error) {
	m := notify.Message{Key: MessageKey(a.ID, a.Version), Kind: "alert", Severity: string(a.Severity),
		Title: cutRunes(stateWord(a)+": "+a.Title, notify.MaxTitleLen)}
	var text strings.Builder
	fmt.Fprintf(&text, "*%s* · %s", stateLine(a), a.Severity)
	if a.Entity != "" {
		fmt.Fprintf(&text, " · %s", a.Entity)
	}
	if a.Count > 1 {
		fmt.Fprintf(&text, " · %d signals grouped", a.Count)
	}
	if a.Summary != "" {
		text.WriteString("\n" + a.Summary)
	}
	m.Text = cutRunes(text.String(), 2000)
	add := func(name, value string) {
		if value != "" {
			m.Fields = append(m.Fields, notify.Field{Name: name, Value: cutRunes(value, 500)})
		}
	}
	add("Entity", a.Entity)
	add("Owner", a.Owner)
	add("On-call", a.OnCall)
	add("Severity", string(a.Severity))
	add("State", string(a.State))
	for _, p := range a.Similar {
		how := p.Resolution
		if how == "" {
			how = "no resolution recorded"
		}
		add("Similar: "+cutRunes(p.Title, 100), how)
	}
	link := func(title, u string) {
		if u != "" {
			m.Links = append(m.Links, notify.Link{Title: title, URL: u})
		}
	}
	link("Incident", a.IncidentURL)
	link("Chart", a.ChartURL)
	link("Runbook", a.RunbookURL)
	for _, p := range a.Similar {
		link("Similar: "+cutRunes(p.Title, 80), p.URL)
	}
	body, err := json.Marshal(struct {
		notify.Message
		Alert Alert `json:"alert"`
	}{m, a})
	if err != nil {
		return notify.Message{}, fmt.Errorf("alert %s message: %w", a.ID, err)
	}
	m.Body = body
	return m, nil
}

// stateWord is the title prefix of a's notification.
func stateWord(a Alert) string {
	switch a.State {
	case Firing:
		if a.Version > 1 && !a.FiredAt.Before(a.NotifiedAt) {
			return "Firing again"
		}
		if a.Version > 1 && a.FiredAt.Before(a.NotifiedAt) {
			return "Still firing"
		}
		return "Firing"
	case Acknowledged:
		return "Acknowledged"
	case Snoozed:
		return "Snoozed"
	case Resolved:
		return "Resolved"
	}
	return "Pending"
}

// stateLine says who changed a and how.
func stateLine(a Alert) string {
	switch {
	case a.State == Snoozed:
		return "Snoozed until " + a.SnoozedUntil.Format(time.RFC3339) + byActor(a.Actor)
	case a.State == Acknowledged || a.State == Resolved:
		return string(a.State) + byActor(a.Actor)
	}
	return string(a.State)
}

func byActor(actor string) string {
	if actor == "" {
		return ""
	}
	return " by " + actor
}

// cutRunes shortens s to at most n runes.
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
