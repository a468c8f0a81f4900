package incident

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// AlertmanagerPayload is the body of Alertmanager's webhook (payload version "4").
type AlertmanagerPayload struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []Alert           `json:"alerts"`
}

// Alert is one alert of an Alertmanager webhook.
type Alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Bounds on a webhook.
const (
	MaxAlerts = 1000
)

var fingerprintRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,200}$`)

// validate checks the whole payload before anything is stored, so a bad one changes nothing.
func (p *AlertmanagerPayload) validate() error {
	if p.Version != "4" {
		return errkind.Errorf(ErrInvalid, "alertmanager payload: version %.20q: want \"4\"", p.Version)
	}
	if p.Status != "firing" && p.Status != "resolved" {
		return errkind.Errorf(ErrInvalid, "alertmanager payload: status %.20q: want firing or resolved", p.Status)
	}
	if len(p.GroupKey) > MaxFingerprintLen {
		return errkind.Errorf(ErrInvalid, "alertmanager payload: groupKey longer than %d bytes", MaxFingerprintLen)
	}
	if len(p.Alerts) == 0 || len(p.Alerts) > MaxAlerts {
		return errkind.Errorf(ErrInvalid, "alertmanager payload: want 1 to %d alerts, got %d", MaxAlerts, len(p.Alerts))
	}
	for i, a := range p.Alerts {
		switch {
		case a.Status != "firing" && a.Status != "resolved":
			return errkind.Errorf(ErrInvalid, "alerts[%d]: status %.20q: want firing or resolved", i, a.Status)
		case !fingerprintRE.MatchString(a.Fingerprint):
			return errkind.Errorf(ErrInvalid, "alerts[%d]: fingerprint %.40q: want 1 to 200 letters, digits, '_', '.', ':' or '-'", i, a.Fingerprint)
		case a.StartsAt.IsZero():
			return errkind.Errorf(ErrInvalid, "alerts[%d]: startsAt is required", i)
		case len(a.Labels) == 0:
			return errkind.Errorf(ErrInvalid, "alerts[%d]: no labels", i)
		case len(a.Labels) > MaxLabels || len(a.Annotations) > MaxLabels:
			return errkind.Errorf(ErrInvalid, "alerts[%d]: more than %d labels or annotations", i, MaxLabels)
		}
		for _, m := range []map[string]string{a.Labels, a.Annotations} {
			for k, v := range m {
				if len(k) > MaxLabelLen || len(v) > MaxTextLen {
					return errkind.Errorf(ErrInvalid, "alerts[%d]: label or annotation %.40q too long", i, k)
				}
			}
		}
	}
	return nil
}

// RecordAlertmanager applies an Alertmanager webhook: a firing alert opens (or reopens) the
// incident of its fingerprint, a resolved one resolves it. A malformed payload is refused
// with ErrInvalid before anything is stored. It returns the incidents changed.
func (s *Service) RecordAlertmanager(ctx context.Context, p AlertmanagerPayload) ([]Incident, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	var out []Incident
	for _, a := range p.Alerts {
		labels := maps.Clone(a.Labels)
		ents, err := s.entitiesFor(ctx, labels, map[string]string{})
		if err != nil {
			return out, err
		}
		sig := signal{
			source: SourceAlertmanager, fingerprint: a.Fingerprint, firing: a.Status == "firing",
			title: alertTitle(a), summary: a.Annotations["description"], labels: labels, entities: ents,
			startsAt: a.StartsAt, endsAt: a.EndsAt, links: alertLinks(a), actor: "alertmanager",
		}
		if sev, ok := ParseSeverity(a.Labels["severity"]); ok {
			sig.severity = sev
		}
		inc, changed, err := s.apply(ctx, sig)
		if err != nil {
			return out, fmt.Errorf("alert %s: %w", a.Fingerprint, err)
		}
		if changed {
			out = append(out, inc)
		}
	}
	return out, nil
}

// alertTitle is the summary annotation, else the alert name (and instance).
func alertTitle(a Alert) string {
	if t := a.Annotations["summary"]; t != "" {
		return truncate(t, MaxTitleLen)
	}
	t := a.Labels["alertname"]
	if t == "" {
		t = "Alert " + a.Fingerprint
	}
	for _, k := range []string{"service", "job", "instance"} {
		if v := a.Labels[k]; v != "" {
			return truncate(t+" on "+v, MaxTitleLen)
		}
	}
	return truncate(t, MaxTitleLen)
}

// alertLinks are the alert's source (generator URL) and its runbook.
func alertLinks(a Alert) []Link {
	var out []Link
	if a.GeneratorURL != "" {
		out = append(out, Link{Title: "Source", URL: a.GeneratorURL})
	}
	for _, k := range []string{"runbook_url", "runbook"} {
		if u := a.Annotations[k]; u != "" {
			out = append(out, Link{Title: "Runbook", URL: u})
			break
		}
	}
	return out
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}
