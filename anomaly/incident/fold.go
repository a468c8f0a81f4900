package incident

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly"
)

// foldBatch is how many anomalies one FoldAnomalies transaction reads.
const foldBatch = 500

// FoldAnomalies groups every anomaly stored since the last call into incidents and returns
// how many it folded. Per series, an anomaly within GroupWindow of the series' open
// incident's last anomaly joins that incident (updated in place); otherwise the open one
// resolves and a new incident opens. The store moves its cursor in the same transaction, so
// a crash never folds an anomaly twice or loses one.
func (s *Service) FoldAnomalies(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.store.FoldAnomalies(ctx, foldBatch, s.fold)
		total += n
		if err != nil {
			return total, fmt.Errorf("fold anomalies: %w", err)
		}
		if n < foldBatch {
			return total, nil
		}
	}
}

// fold groups one series' new anomalies (see FoldAnomalies).
func (s *Service) fold(series, entity string, as []anomaly.Anomaly, latest *Incident) ([]Write, error) {
	slices.SortStableFunc(as, func(a, b anomaly.Anomaly) int { return a.At.Compare(b.At) })
	var writes []Write
	var cur *Write
	if latest != nil && latest.Status != StatusResolved {
		cur = &Write{Incident: *latest}
	}
	now := s.now()
	var added int
	var maxScore float64
	// noteUpdates records the anomalies added to cur since the last note as one event.
	// A new incident's opening event stands for the anomalies of this batch.
	isNew := false
	noteUpdates := func() {
		if cur != nil && added > 0 && !isNew {
			cur.Events = append(cur.Events, Event{At: now, Kind: EventUpdated, Actor: "portal",
				Text: fmt.Sprintf("%d more anomalous point(s) through %s (max score %.4f)", added, cur.Incident.LastSeenAt.Format(time.RFC3339), maxScore)})
		}
		added, maxScore = 0, 0
	}
	emit := func() {
		if cur != nil && len(cur.Events) > 0 {
			writes = append(writes, *cur)
		}
	}
	for _, a := range as {
		if cur != nil && a.At.Sub(cur.Incident.LastSeenAt) <= s.opt.GroupWindow {
			inc := &cur.Incident
			inc.Count++
			if a.At.After(inc.LastSeenAt) {
				inc.LastSeenAt = a.At
			}
			inc.UpdatedAt = now
			if sev := scoreSeverity(a.Score); sev.Rank() > inc.Severity.Rank() {
				inc.Severity = sev
			}
			inc.Summary = anomalySummary(*inc, a)
			inc.Links = []Link{chartLink(series, inc.OpenedAt, inc.LastSeenAt)}
			added++
			maxScore = max(maxScore, a.Score)
			continue
		}
		if cur != nil {
			noteUpdates()
			cur.Events = append(cur.Events, s.transition(&cur.Incident, StatusResolved,
				fmt.Sprintf("no anomaly for %s after %s", s.opt.GroupWindow, cur.Incident.LastSeenAt.Format(time.RFC3339)), "portal"))
			emit()
		}
		cur, isNew = &Write{Incident: newAnomalyIncident(series, entity, a, now)}, true
		cur.Events = []Event{{At: now, Kind: EventOpened, Actor: "portal",
			Text: fmt.Sprintf("anomaly on %s at %s: value %g, score %.4f (%s)", series, a.At.Format(time.RFC3339), a.Value, a.Score, a.Detector)}}
	}
	noteUpdates()
	emit()
	return writes, nil
}

// newAnomalyIncident opens an incident for anomaly a of series.
func newAnomalyIncident(series, entity string, a anomaly.Anomaly, now time.Time) Incident {
	inc := Incident{
		ID:          newID(),
		Source:      SourceAnomaly,
		Fingerprint: fmt.Sprintf("%s|%s|%s", entity, series, a.At.UTC().Format(time.RFC3339Nano)),
		Severity:    scoreSeverity(a.Score),
		Status:      StatusOpen,
		Series:      series,
		OpenedAt:    a.At.UTC(),
		UpdatedAt:   now,
		LastSeenAt:  a.At.UTC(),
		Count:       1,
	}
	if entity != "" {
		inc.Entities = []string{entity}
	}
	inc.Title = "Anomaly in " + series
	if entity != "" {
		_, name, _ := strings.Cut(entity, "/")
		inc.Title += " on " + name
	}
	inc.Summary = anomalySummary(inc, a)
	inc.Links = []Link{chartLink(series, inc.OpenedAt, inc.LastSeenAt)}
	return inc
}

// anomalySummary describes an anomaly incident after its latest anomaly a.
func anomalySummary(inc Incident, a anomaly.Anomaly) string {
	return fmt.Sprintf("The %s detector flagged %d anomalous point(s) of %s from %s to %s; the latest had value %g (score %.4f).",
		a.Detector, inc.Count, inc.Series, inc.OpenedAt.Format(time.RFC3339), inc.LastSeenAt.Format(time.RFC3339), a.Value, a.Score)
}

// scoreSeverity maps a detector score to a severity: only near-certain anomalies are high.
func scoreSeverity(score float64) Severity {
	if score >= 0.9999 {
		return SeverityHigh
	}
	return SeverityWarning
}

// chartLink is the chart of series around an incident.
func chartLink(series string, from, to time.Time) Link {
	q := url.Values{}
	q.Set("from", from.Add(-2*time.Hour).UTC().Format(time.RFC3339))
	q.Set("to", to.Add(time.Hour).UTC().Format(time.RFC3339))
	return Link{Title: "Chart", URL: "/api/v1/metrics/" + url.PathEscape(series) + "/chart.svg?" + q.Encode()}
}

// ResolveQuiet resolves the anomaly incidents with no new anomaly for QuietPeriod and returns
// how many it resolved.
func (s *Service) ResolveQuiet(ctx context.Context) (int, error) {
	before := s.now().Add(-s.opt.QuietPeriod)
	list, err := s.store.OpenAnomalyIncidents(ctx, before, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, inc := range list {
		_, err := s.store.Update(ctx, inc.ID, func(cur *Incident, _ bool) ([]Event, error) {
			if cur.Status == StatusResolved || !cur.LastSeenAt.Before(before) {
				return nil, nil // changed since listed
			}
			n++
			return []Event{s.transition(cur, StatusResolved, fmt.Sprintf("no anomaly for %s", s.opt.QuietPeriod), "portal")}, nil
		})
		if err != nil {
			return n, fmt.Errorf("resolve quiet incident %s: %w", inc.ID, err)
		}
	}
	return n, nil
}
