package incident

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// AlertSelectorAnnotation is the catalog entity annotation that claims alerts and events
// for the entity: comma-separated key=value matchers on the alert's labels, all of which
// must match, e.g. "job=payments,env=prod".
const AlertSelectorAnnotation = "nextportal.io/alert-selector"

// signal is one alert or event from outside, in a common shape.
type signal struct {
	source, fingerprint string
	firing              bool // firing/trigger; false: resolved
	ack                 bool // an acknowledgement (PagerDuty acknowledge)
	severity            Severity
	title, summary      string
	labels              map[string]string
	entities            []string
	startsAt, endsAt    time.Time
	links               []Link
	actor               string
}

// apply records a signal against the incident of its fingerprint and reports whether it
// changed anything: a firing signal opens or reopens it (or refreshes it quietly), an
// acknowledgement acknowledges and a resolution resolves it. A resolution or
// acknowledgement for an unknown fingerprint is ignored.
func (s *Service) apply(ctx context.Context, sig signal) (Incident, bool, error) {
	changed := false
	inc, err := s.store.Upsert(ctx, sig.source, sig.fingerprint, func(inc *Incident, found bool) ([]Event, error) {
		now := s.now()
		switch {
		case !found && !sig.firing:
			return nil, nil
		case !found:
			*inc = Incident{ID: newID(), Source: sig.source, Fingerprint: sig.fingerprint, Status: StatusOpen,
				OpenedAt: sig.startsAt.UTC(), Count: 0}
			if inc.OpenedAt.IsZero() || inc.OpenedAt.After(now) {
				inc.OpenedAt = now
			}
			s.refresh(inc, sig, now)
			changed = true
			return []Event{{At: now, Kind: EventOpened, Text: truncate("firing: "+inc.Title, MaxEventText), Actor: sig.actor}}, nil
		case sig.ack:
			if inc.Status != StatusOpen {
				return nil, nil
			}
			changed = true
			return []Event{s.transition(inc, StatusAcknowledged, "acknowledged", sig.actor)}, nil
		case !sig.firing:
			if inc.Status == StatusResolved {
				return nil, nil
			}
			changed = true
			ev := s.transition(inc, StatusResolved, "resolved by "+sig.actor, sig.actor)
			if !sig.endsAt.IsZero() && !sig.endsAt.After(now) && sig.endsAt.After(inc.OpenedAt) {
				inc.ResolvedAt = sig.endsAt.UTC()
			}
			return []Event{ev}, nil
		}
		var events []Event
		before := *inc
		if inc.Status == StatusResolved {
			events = append(events, s.transition(inc, StatusOpen, "firing again", sig.actor))
		}
		s.refresh(inc, sig, now)
		if inc.Title != before.Title || inc.Severity != before.Severity || !slices.Equal(inc.Entities, before.Entities) {
			events = append(events, Event{At: now, Kind: EventUpdated, Text: truncate(fmt.Sprintf("%s (%s)", inc.Title, inc.Severity), MaxEventText), Actor: sig.actor})
		}
		changed = len(events) > 0
		return events, nil
	})
	return inc, changed, err
}

// refresh copies what a firing signal says onto inc.
func (s *Service) refresh(inc *Incident, sig signal, now time.Time) {
	inc.Title = sig.title
	inc.Summary = truncate(sig.summary, MaxTextLen)
	if sig.severity != "" {
		inc.Severity = sig.severity
	} else if inc.Severity == "" {
		inc.Severity = SeverityWarning
	}
	inc.Labels = sig.labels
	inc.Entities = sig.entities
	if len(sig.links) > 0 {
		inc.Links = sig.links
	}
	inc.UpdatedAt, inc.LastSeenAt = now, now
	inc.Count++
}

// entitiesFor maps an alert's labels to catalog entities: the entity label (a ref, kind
// component by default), the service and job labels when a component of that name exists,
// and every entity whose AlertSelectorAnnotation the labels meet. extra holds more keys to
// match selectors on. It reads the catalog as the portal itself.
func (s *Service) entitiesFor(ctx context.Context, labels, extra map[string]string) ([]string, error) {
	ctx = auth.NewContext(ctx, auth.System())
	var refs []string
	if v := strings.TrimSpace(labels["entity"]); v != "" {
		if r, err := catalog.ParseRef(v, "component", "default"); err == nil {
			refs = append(refs, r.String())
		}
	}
	seen := catalog.NewVisibleRefs(s.cat, "component")
	for _, k := range []string{"service", "job", "component"} {
		v := strings.TrimSpace(labels[k])
		if v == "" {
			v = strings.TrimSpace(extra[k])
		}
		if v == "" {
			continue
		}
		r, err := catalog.ParseRef(v, "component", "default")
		if err != nil {
			continue
		}
		ok, err := seen.Visible(ctx, r.String())
		if err != nil {
			return nil, err
		}
		if ok {
			refs = append(refs, r.String())
		}
	}
	page, err := s.cat.Query(ctx, catalog.Query{Filter: catalog.Filter{Key: "metadata.annotations." + AlertSelectorAnnotation}})
	if err != nil {
		return nil, fmt.Errorf("entities with %s: %w", AlertSelectorAnnotation, err)
	}
	for i := range page.Entities {
		e := &page.Entities[i]
		if matchLabels(e.Metadata.Annotations[AlertSelectorAnnotation], labels, extra) {
			refs = append(refs, e.Ref().String())
		}
	}
	slices.Sort(refs)
	refs = slices.Compact(refs)
	if len(refs) > MaxEntities {
		refs = refs[:MaxEntities]
	}
	return refs, nil
}

// matchLabels reports whether labels (then extra) meet every key=value matcher of sel; an
// empty or malformed selector matches nothing.
func matchLabels(sel string, labels, extra map[string]string) bool {
	n := 0
	for p := range strings.SplitSeq(sel, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return false
		}
		got, has := labels[k]
		if !has {
			got, has = extra[k]
		}
		if !has || got != v {
			return false
		}
		n++
	}
	return n > 0
}
