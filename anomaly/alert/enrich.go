package alert

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
)

// OnCallAnnotation names the group on call for an entity; without it (or its older
// spelling OnCallAnnotationAlt) the owner is.
const (
	OnCallAnnotation    = "nextportal.io/on-call"
	OnCallAnnotationAlt = "nextportal.io/oncall"
)

// Entity is what alerts need to know about a catalog entity.
type Entity struct {
	Ref         string
	Title       string
	Owner       string
	Labels      map[string]string
	Annotations map[string]string
	Links       []Link
}

// Link is an entity's link (metadata.links).
type Link struct {
	Title, URL, Type string
}

// Directory describes entities (the catalog, read as the system).
type Directory interface {
	// Entity returns the entity ref names; ErrNotFound when there is none.
	Entity(ctx context.Context, ref string) (Entity, error)
}

// RunbookFinder returns the URL (absolute, or a path under the portal) of an entity's
// runbook document, "" when it has none.
type RunbookFinder func(ctx context.Context, ref string) (string, error)

// similarCount is how many similar past incidents an alert carries.
const similarCount = 2

// entity looks ref up; an unknown entity (or no directory) is the zero Entity.
func (s *Service) entity(ctx context.Context, ref string) (Entity, error) {
	if s.o.Directory == nil || ref == "" {
		return Entity{Ref: ref}, nil
	}
	e, err := s.o.Directory.Entity(ctx, ref)
	if errors.Is(err, ErrNotFound) {
		return Entity{Ref: ref}, nil
	}
	if err != nil {
		return Entity{}, fmt.Errorf("entity %s: %w", ref, err)
	}
	return e, nil
}

// enrich fills a's Enrichment: the entity's owner and on-call group, the links and the
// similar past incidents. inc is the incident as last seen.
func (s *Service) enrich(ctx context.Context, a *Alert, inc incident.Incident) error {
	e, err := s.entity(ctx, a.Entity)
	if err != nil {
		return err
	}
	en := Enrichment{Entity: a.Entity, EntityTitle: e.Title, Owner: e.Owner, OnCall: e.Annotations[OnCallAnnotation],
		IncidentURL: s.link("/incidents/" + url.PathEscape(a.IncidentID))}
	if en.OnCall == "" {
		en.OnCall = e.Annotations[OnCallAnnotationAlt]
	}
	if en.OnCall == "" {
		en.OnCall = e.Owner
	}
	if a.Entity != "" {
		en.EntityURL = s.link(entityPath(a.Entity))
	}
	if a.Series != "" {
		q := url.Values{"from": {a.OpenedAt.Add(-6 * time.Hour).Format(time.RFC3339)}}
		en.ChartURL = s.link("/api/v1/metrics/" + url.PathEscape(a.Series) + "/chart.svg?" + q.Encode())
	}
	en.RunbookURL = runbookLink(e.Links)
	if en.RunbookURL == "" && s.o.Runbooks != nil && a.Entity != "" {
		u, err := s.o.Runbooks(ctx, a.Entity)
		if err != nil {
			return fmt.Errorf("runbook of %s: %w", a.Entity, err)
		}
		en.RunbookURL = s.link(u)
	}
	if s.incidents != nil {
		sim, err := s.incidents.Similar(ctx, inc, similarCount)
		if err != nil {
			return fmt.Errorf("incidents like %s: %w", inc.ID, err)
		}
		for _, p := range sim {
			en.Similar = append(en.Similar, Similar{ID: p.ID, Title: p.Title, Resolution: p.Resolution, RootCause: p.RootCause,
				URL: s.link("/incidents/" + url.PathEscape(p.ID)), OpenedAt: p.OpenedAt})
		}
	}
	a.Enrichment = en
	return nil
}

// runbookLink returns the first link whose type or title says runbook.
func runbookLink(links []Link) string {
	for _, l := range links {
		if strings.Contains(strings.ToLower(l.Type+" "+l.Title), "runbook") {
			return l.URL
		}
	}
	return ""
}

// link makes a portal path absolute under BaseURL; absolute URLs and "" pass unchanged.
func (s *Service) link(p string) string {
	if p == "" || strings.Contains(p, "://") {
		return p
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return s.o.BaseURL + p
}

// entityPath is the UI page of an entity ref kind:namespace/name.
func entityPath(ref string) string {
	kind, rest, _ := strings.Cut(ref, ":")
	ns, name, ok := strings.Cut(rest, "/")
	if !ok {
		ns, name = "default", rest
	}
	return "/catalog/" + url.PathEscape(ns) + "/" + url.PathEscape(strings.ToLower(kind)) + "/" + url.PathEscape(name)
}

// incidentOf rebuilds the incident an alert is about from what the alert keeps, for
// enrichment when the incident itself was not read (timers).
func incidentOf(a *Alert) incident.Incident {
	inc := incident.Incident{ID: a.IncidentID, Title: a.Title, Summary: a.Summary, Severity: a.Severity, Status: a.IncidentStatus,
		Source: a.Source, Series: a.Series, OpenedAt: a.OpenedAt, Seq: a.IncidentSeq}
	if a.Entity != "" {
		inc.Entities = []string{a.Entity}
	}
	return inc
}
