package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// anomalyService builds the anomaly service on the app's database.
func (a *app) anomalyService() (*anomaly.Service, error) {
	svc, err := anomaly.NewService(a.db, anomaly.ServiceOptions{Detector: a.cfg.AnomalyDetector, Logger: a.logger,
		Resolve: catalogResolver(a.catalog)})
	if err != nil {
		return nil, fmt.Errorf("anomaly: %w", err)
	}
	return svc, nil
}

// startAnomaly builds the anomaly service for serve and starts its background work: scoring
// what other replicas left pending, retention, and the Prometheus pull when configured.
func (a *app) startAnomaly() (*anomaly.Service, error) {
	svc, err := a.anomalyService()
	if err != nil {
		return nil, err
	}
	log := a.logger.With("component", "anomaly")
	a.goLoop(func(ctx context.Context) {
		every(ctx, 15*time.Second, func() {
			if err := svc.ScorePending(ctx); err != nil && ctx.Err() == nil {
				log.Warn("score pending series failed", "error", err)
			}
		})
	})
	if keep := a.cfg.MetricsRetention; keep > 0 {
		a.goLoop(func(ctx context.Context) {
			every(ctx, time.Hour, func() {
				if n, err := svc.Retain(ctx, keep); err != nil && ctx.Err() == nil {
					log.Warn("metrics retention failed", "error", err)
				} else if n > 0 {
					log.Info("old metric points deleted", "points", n)
				}
			})
		})
	}
	if a.cfg.PrometheusURL != "" {
		queries, err := anomaly.ParsePromQueries(a.cfg.PrometheusQueries)
		if err != nil {
			return nil, err
		}
		p, err := anomaly.NewPuller(a.cfg.PrometheusURL, svc, queries, a.cfg.PrometheusStep, a.cfg.PrometheusLookback, a.logger)
		if err != nil {
			return nil, err
		}
		a.goLoop(func(ctx context.Context) { p.Run(ctx, a.cfg.PrometheusInterval) })
	}
	return svc, nil
}

// catalogResolver ties a series to the first entity (by ref) whose
// nextportal.io/metrics-selector annotation claims it.
func catalogResolver(cat *catalog.Service) anomaly.Resolver {
	return func(ctx context.Context, s anomaly.Series) (string, error) {
		ctx = auth.NewContext(ctx, auth.System())
		page, err := cat.Query(ctx, catalog.Query{Filter: catalog.Filter{Key: "metadata.annotations." + anomaly.SelectorAnnotation}})
		if err != nil {
			return "", fmt.Errorf("entities with %s: %w", anomaly.SelectorAnnotation, err)
		}
		var refs []string
		for i := range page.Entities {
			e := &page.Entities[i]
			if anomaly.MatchSelector(e.Metadata.Annotations[anomaly.SelectorAnnotation], s) {
				refs = append(refs, e.Ref().String())
			}
		}
		if len(refs) == 0 {
			return "", nil
		}
		slices.Sort(refs)
		return refs[0], nil
	}
}

// every calls f now and then every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		f()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
