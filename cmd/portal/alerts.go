package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/notify"
)

// outbox builds the notification outbox on the app's database with the channels the
// alerts settings configure.
func (a *app) outbox() (*notify.Outbox, error) {
	var chans []notify.Channel
	if u := string(a.cfg.AlertsSlackWebhookURL); u != "" {
		chans = append(chans, notify.Channel{Name: "slack", Kind: notify.KindSlack, URL: u})
	}
	if u := a.cfg.AlertsWebhookURL; u != "" {
		chans = append(chans, notify.Channel{Name: "webhook", Kind: notify.KindWebhook, URL: u, Secret: string(a.cfg.AlertsWebhookSecret)})
	}
	o, err := notify.New(a.db, notify.Options{Channels: chans, MaxAttempts: int(a.cfg.AlertsRetries),
		Backoff: a.cfg.AlertsBackoff, Logger: a.logger})
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return o, nil
}

// alertService builds the outbox and the alert service over it, following incidents and
// describing entities from the catalog (runbook documents from ix, when there is one).
func (a *app) alertService(incidents alert.Incidents, ix *indexer.Service) (*alert.Service, *notify.Outbox, error) {
	out, err := a.outbox()
	if err != nil {
		return nil, nil, err
	}
	svc := alert.NewService(a.db, incidents, out, alert.Options{BaseURL: a.cfg.PortalBaseURL, Logger: a.logger,
		Directory: catalogDirectory{a.catalog}, Runbooks: runbookFinder(ix)})
	return svc, out, nil
}

// startAlerts builds the outbox and the alert service for serve and starts their loops: the
// engine following incidents, and the delivery worker. Both run as the system.
func (a *app) startAlerts(incidents alert.Incidents, ix *indexer.Service) (*alert.Service, *notify.Outbox, error) {
	svc, out, err := a.alertService(incidents, ix)
	if err != nil {
		return nil, nil, err
	}
	log := a.logger.With("component", "alert")
	a.goLoop(func(ctx context.Context) {
		ctx = auth.NewContext(ctx, auth.System())
		every(ctx, a.cfg.AlertsInterval, func() {
			if err := svc.Step(ctx); err != nil && ctx.Err() == nil {
				log.Warn("alert engine step failed", "error", err)
			}
		})
	})
	a.goLoop(func(ctx context.Context) { out.Run(auth.NewContext(ctx, auth.System()), a.cfg.AlertsInterval) })
	return svc, out, nil
}

// catalogDirectory describes entities to the alert engine from the catalog, as the system.
type catalogDirectory struct{ cat *catalog.Service }

// Entity returns the entity ref names, with its owner as a canonical ref.
func (d catalogDirectory) Entity(ctx context.Context, ref string) (alert.Entity, error) {
	r, err := catalog.ParseRef(ref, "", catalog.DefaultNamespace)
	if err != nil {
		return alert.Entity{}, fmt.Errorf("%w: %w", alert.ErrNotFound, err)
	}
	e, err := d.cat.EntityByRef(auth.NewContext(ctx, auth.System()), r)
	if errors.Is(err, catalog.ErrNotFound) {
		return alert.Entity{}, alert.ErrNotFound
	}
	if err != nil {
		return alert.Entity{}, err
	}
	out := alert.Entity{Ref: e.Ref().String(), Title: e.Metadata.Title, Labels: e.Metadata.Labels, Annotations: e.Metadata.Annotations}
	if owner, _ := e.Spec["owner"].(string); owner != "" {
		if o, err := catalog.ParseRef(owner, "group", e.Metadata.Namespace); err == nil {
			out.Owner = o.String()
		} else {
			out.Owner = owner
		}
	}
	for _, l := range e.Metadata.Links {
		out.Links = append(out.Links, alert.Link{Title: l.Title, URL: l.URL, Type: l.Type})
	}
	return out, nil
}

// runbookFinder finds an entity's runbook among the documents search indexed for it: the
// best "runbook" match whose title or path says runbook.
func runbookFinder(ix *indexer.Service) alert.RunbookFinder {
	if ix == nil {
		return nil
	}
	return func(ctx context.Context, ref string) (string, error) {
		ctx = auth.NewContext(ctx, auth.System())
		name := ref[strings.LastIndex(ref, "/")+1:]
		res, err := ix.Search(ctx, indexer.Query{Text: "runbook " + name, Mode: indexer.ModeLexical, Limit: 20})
		if errors.Is(err, indexer.ErrIndexLocked) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		for _, r := range res.Results {
			if r.Kind == indexer.KindDoc && r.EntityRef == ref && strings.Contains(strings.ToLower(r.Title+" "+r.URL), "runbook") {
				return r.URL, nil
			}
		}
		return "", nil
	}
}
