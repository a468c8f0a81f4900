package alert

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
)

// engineCursor names the engine's position in the incident feed.
const engineCursor = "engine"

// feedBatch is how many incident changes one read of the feed takes.
const feedBatch = 200

// Step follows the incident feed from the stored cursor to its end, turning changes into
// alerts, then fires, repeats and wakes what time alone changes. It runs as the principal in
// ctx (the background loop's is the system). Several replicas may step at once: each alert
// change is saved under its version and notified with it, so none is notified twice.
func (s *Service) Step(ctx context.Context) error {
	if err := s.follow(ctx); err != nil {
		return err
	}
	return s.tick(ctx)
}

// follow applies the incident changes after the cursor and moves it.
func (s *Service) follow(ctx context.Context) error {
	for {
		from, err := s.store.AlertCursor(ctx, engineCursor)
		if err != nil {
			return fmt.Errorf("alert cursor: %w", err)
		}
		incs, err := s.incidents.Changed(ctx, from, feedBatch)
		if err != nil {
			return fmt.Errorf("incident changes after %d: %w", from, err)
		}
		if len(incs) == 0 {
			return nil
		}
		rules, err := s.store.AlertRules(ctx)
		if err != nil {
			return err
		}
		for i := range incs {
			if err := s.Apply(ctx, rules, incs[i]); err != nil {
				return fmt.Errorf("alerts of incident %s: %w", incs[i].ID, err)
			}
		}
		err = s.store.SetAlertCursor(ctx, engineCursor, from, incs[len(incs)-1].Seq, s.o.Now().UTC())
		if errors.Is(err, ErrConflict) {
			continue // another replica moved it; read on from where it is
		}
		if err != nil {
			return fmt.Errorf("move alert cursor: %w", err)
		}
		if len(incs) < feedBatch {
			return nil
		}
	}
}

// Apply brings the alerts of inc up to date under rules: it updates the alerts inc already
// has and opens one for each enabled rule it newly matches.
func (s *Service) Apply(ctx context.Context, rules []Rule, inc incident.Incident) error {
	have, err := s.store.Alerts(ctx, Query{Incident: inc.ID})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range have {
		seen[have[i].RuleID] = true
		// An edited rule's timing and channels apply from its alerts' next change.
		if j := slices.IndexFunc(rules, func(r Rule) bool { return r.ID == have[i].RuleID }); j >= 0 {
			have[i].For, have[i].Repeat, have[i].Channels = rules[j].For, rules[j].Repeat, rules[j].Channels
		}
		if err := s.retryFrom(ctx, &have[i], func(a *Alert) error { return s.update(ctx, a, inc) }); err != nil {
			return err
		}
	}
	for i := range rules {
		r := &rules[i]
		if seen[r.ID] || !r.Enabled || inc.Status == incident.StatusResolved || !r.matchesIncident(&inc) {
			continue
		}
		ref, ok, err := s.matchEntity(ctx, r, inc)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		err = s.open(ctx, r, inc, ref)
		if errors.Is(err, ErrConflict) {
			// Another replica opened it first: bring that one up to date instead.
			err = s.retry(ctx, alertID(r.ID, inc.ID), func(a *Alert) error { return s.update(ctx, a, inc) })
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// matchEntity returns the first of inc's entities that passes r's entity conditions.
func (s *Service) matchEntity(ctx context.Context, r *Rule, inc incident.Incident) (string, bool, error) {
	if len(inc.Entities) == 0 {
		plain := len(r.Entities) == 0 && len(r.Kinds) == 0 && !r.needsEntity()
		return "", plain, nil
	}
	for _, ref := range inc.Entities {
		var e Entity
		if r.needsEntity() {
			var err error
			if e, err = s.entity(ctx, ref); err != nil {
				return "", false, err
			}
		}
		if r.matchesEntity(ref, e) {
			return ref, true, nil
		}
	}
	return "", false, nil
}

// open creates r's alert about inc: firing at once when r has no For (or it has passed),
// pending otherwise.
func (s *Service) open(ctx context.Context, r *Rule, inc incident.Incident, ref string) error {
	now := s.o.Now().UTC()
	a := Alert{ID: alertID(r.ID, inc.ID), RuleID: r.ID, IncidentID: inc.ID, State: Pending,
		For: r.For, Repeat: r.Repeat, Channels: r.Channels, OpenedAt: inc.OpenedAt.UTC(), CreatedAt: now}
	a.Entity = ref
	refresh(&a, inc)
	notify := false
	switch {
	case inc.Status == incident.StatusAcknowledged:
		a.State, a.Actor = Acknowledged, "incident"
	case !now.Before(a.OpenedAt.Add(a.For)):
		a.State, a.FiredAt, notify = Firing, now, true
	}
	if !notify {
		if err := s.enrich(ctx, &a, inc); err != nil {
			return err
		}
	}
	return s.saveWith(ctx, &a, -1, notify, now, &inc)
}

// update applies a change of inc to its alert a.
func (s *Service) update(ctx context.Context, a *Alert, inc incident.Incident) error {
	if inc.Seq != 0 && inc.Seq <= a.IncidentSeq {
		return nil // seen already (a replayed feed)
	}
	now := s.o.Now().UTC()
	// A grown incident (more signals, a higher severity) updates its alert in place without
	// a new message: one message per incident, not one per signal.
	prev := a.Version
	refresh(a, inc)
	fired := !a.FiredAt.IsZero()
	notify := false
	switch {
	case inc.Status == incident.StatusResolved:
		if a.State != Resolved {
			a.State, a.ResolvedAt, notify = Resolved, resolvedAt(inc, now), fired
		}
	case a.State == Resolved && inc.UpdatedAt.After(a.ResolvedAt):
		// The incident came back (reopened, or grew after a manual resolve).
		a.State, a.FiredAt, a.ResolvedAt, a.Actor, notify = Firing, now, time.Time{}, "", true
	case inc.Status == incident.StatusAcknowledged && (a.State == Firing || a.State == Pending):
		a.State, a.Actor, notify = Acknowledged, "incident", fired
	case a.State == Pending && !now.Before(a.OpenedAt.Add(a.For)):
		a.State, a.FiredAt, notify = Firing, now, true
	}
	return s.saveWith(ctx, a, prev, notify, now, &inc)
}

// tick fires pending alerts whose For has passed, wakes snoozed ones whose time is up and
// repeats firing ones whose Repeat is due.
func (s *Service) tick(ctx context.Context) error {
	active, err := s.store.DueAlerts(ctx, s.o.Now().UTC(), 1000)
	if err != nil {
		return err
	}
	for i := range active {
		id := active[i].ID
		err := s.retryFrom(ctx, &active[i], func(a *Alert) error {
			now := s.o.Now().UTC()
			switch s.wake(a, now) {
			case "fire":
				a.State, a.FiredAt = Firing, now
			case "unsnooze":
				a.State, a.SnoozedUntil, a.Actor, a.FiredAt = Firing, time.Time{}, "", now
			case "repeat":
			default:
				return nil
			}
			return s.saveWith(ctx, a, a.Version, true, now, nil)
		})
		if err != nil {
			return fmt.Errorf("alert %s: %w", id, err)
		}
	}
	return nil
}

// wake says what time alone does to a at now: "fire" a pending alert whose For passed,
// "unsnooze" a snoozed one whose time is up, "repeat" a firing one whose Repeat is due,
// or "" nothing.
func (s *Service) wake(a *Alert, now time.Time) string {
	switch {
	case a.State == Pending && !now.Before(a.OpenedAt.Add(a.For)):
		return "fire"
	case a.State == Snoozed && !now.Before(a.SnoozedUntil):
		return "unsnooze"
	case a.State == Firing && a.Repeat > 0 && !now.Before(a.NotifiedAt.Add(a.Repeat)):
		return "repeat"
	}
	return ""
}

// retry loads alert id and runs f on it, again (freshly loaded) if another replica saved
// it in between.
func (s *Service) retry(ctx context.Context, id string, f func(a *Alert) error) error {
	a, err := s.store.Alert(ctx, id)
	if err != nil {
		return err
	}
	return s.retryFrom(ctx, &a, f)
}

// retryFrom is retry starting from a as already read.
func (s *Service) retryFrom(ctx context.Context, a *Alert, f func(a *Alert) error) error {
	for try := 0; ; try++ {
		err := f(a)
		if !errors.Is(err, ErrConflict) || try == 2 {
			return err
		}
		fresh, err := s.store.Alert(ctx, a.ID)
		if err != nil {
			return err
		}
		*a = fresh
	}
}

// refresh copies what may change about inc onto a, in place.
func refresh(a *Alert, inc incident.Incident) {
	a.Title, a.Summary, a.Severity, a.Source, a.Series = inc.Title, inc.Summary, inc.Severity, inc.Source, inc.Series
	a.IncidentStatus, a.IncidentSeq, a.Count = inc.Status, inc.Seq, inc.Count
}

func resolvedAt(inc incident.Incident, now time.Time) time.Time {
	if !inc.ResolvedAt.IsZero() {
		return inc.ResolvedAt.UTC()
	}
	return now
}
