package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/assistant/incidents"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/store"
)

// sourceIncidents is the search source of incident documents.
const sourceIncidents = "incidents"

// incidentService builds the incident service on the app's database.
func (a *app) incidentService() *incident.Service {
	return newIncidentService(a.cfg, a.db, a.catalog, a.logger)
}

// newIncidentService builds the incident service with cfg's grouping settings.
func newIncidentService(cfg *Config, db *store.DB, cat *catalog.Service, logger *slog.Logger) *incident.Service {
	return incident.NewService(db, cat, incident.Options{GroupWindow: cfg.IncidentGroupWindow,
		QuietPeriod: cfg.IncidentQuietPeriod, Logger: logger})
}

// registerIncidents gives the incident service the search index for similar incidents and
// the assistant its incident skill.
func registerIncidents(svc *incident.Service, ix *indexer.Service, chat *assistant.Service) {
	if ix != nil {
		svc.SetSearcher(incidentSearcher{ix})
	}
	if chat != nil {
		chat.Registry().Register(incidents.New(svc))
	}
}

// incidentSource is the search source of every incident: one KindIncident document each.
func incidentSource(cat *catalog.Service, svc *incident.Service) indexer.Source {
	return indexer.NewRecordSource(sourceIncidents, cat, func(ctx context.Context, yield func(indexer.Record) error) error {
		ctx = auth.NewContext(ctx, auth.System())
		var after int64
		for {
			page, err := svc.Changed(ctx, after, 500)
			if err != nil {
				return fmt.Errorf("list incidents: %w", err)
			}
			for _, inc := range page {
				after = inc.Seq
				if err := yield(incidentRecord(inc)); err != nil {
					return err
				}
			}
			if len(page) < 500 {
				return nil
			}
		}
	})
}

// incidentRecord renders an incident as the text search and the assistant read.
func incidentRecord(inc incident.Incident) indexer.Record {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nIncident %s, %s, %s, opened %s.", inc.Title, inc.ID, inc.Severity, inc.Status, inc.OpenedAt.Format("2006-01-02"))
	if len(inc.Entities) > 0 {
		fmt.Fprintf(&b, " Affected: %s.", strings.Join(inc.Entities, ", "))
	}
	for _, part := range []struct{ h, t string }{{"Summary", inc.Summary}, {"Root cause", inc.RootCause}, {"Resolution", inc.Resolution}} {
		if part.t != "" {
			fmt.Fprintf(&b, "\n\n## %s\n\n%s", part.h, part.t)
		}
	}
	return indexer.Record{ID: indexer.RecordDocID(indexer.KindIncident, inc.ID), Kind: indexer.KindIncident, Title: inc.Title,
		Text: b.String(), URL: inc.URL(), Entities: inc.Entities, Updated: inc.UpdatedAt}
}

// incidentSearcher finds incidents through the search index, as the caller may see them.
type incidentSearcher struct{ ix *indexer.Service }

// maxSimilarQuery bounds the text a similarity search sends to the index.
const maxSimilarQuery = 600

// SearchIncidents returns the IDs of the incidents whose documents best match text.
func (s incidentSearcher) SearchIncidents(ctx context.Context, text string, n int) ([]string, error) {
	words := strings.Fields(text)
	var b strings.Builder
	for _, w := range words {
		if len(w) > 40 {
			continue
		}
		if b.Len()+len(w)+1 > maxSimilarQuery {
			break
		}
		b.WriteString(w)
		b.WriteString(" ")
	}
	if b.Len() == 0 {
		return nil, nil
	}
	res, err := s.ix.Search(ctx, indexer.Query{Text: b.String(), Limit: min(max(n, 1), 100),
		Filters: indexer.Filters{indexer.FieldSource: {sourceIncidents}}})
	if errkind.Of(err) == errkind.Invalid {
		return nil, nil // a text the index cannot take finds nothing similar
	}
	if err != nil {
		return nil, fmt.Errorf("search similar incidents: %w", err)
	}
	var ids []string
	for _, r := range res.Results {
		if id, ok := strings.CutPrefix(r.DocID, indexer.KindIncident+":"); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// startIncidents starts the incident loops of serve: folding new anomalies into incidents
// and resolving quiet ones, and importing postmortems (cfg's folders, and the demo's) at
// start and every refresh interval. changed is called after the loops change incidents, to
// have them indexed.
func (a *app) startIncidents(svc *incident.Service, demoPath string, changed func()) {
	log := a.logger.With("component", "incident")
	a.goLoop(func(ctx context.Context) {
		every(ctx, 10*time.Second, func() {
			n, err := svc.FoldAnomalies(ctx)
			if err != nil && ctx.Err() == nil {
				log.Warn("fold anomalies into incidents", "error", err)
			}
			r, err := svc.ResolveQuiet(ctx)
			if err != nil && ctx.Err() == nil {
				log.Warn("resolve quiet incidents", "error", err)
			}
			if n+r > 0 {
				changed()
			}
		})
	})
	dirs := append([]string(nil), a.cfg.PostmortemDirs...)
	if demoPath != "" {
		found, err := incident.PostmortemDirs(filepath.Dir(demoPath))
		if err != nil {
			log.Warn("find demo postmortems", "error", err)
		}
		dirs = append(dirs, found...)
	}
	if len(dirs) == 0 {
		return
	}
	interval := a.cfg.RefreshInterval
	if interval <= 0 {
		interval = 5 * time.Minute
	}
	a.goLoop(func(ctx context.Context) {
		every(ctx, interval, func() {
			n, err := importPostmortems(ctx, svc, dirs)
			if err != nil && ctx.Err() == nil {
				log.Warn("import postmortems", "error", err)
			}
			if n > 0 {
				log.Info("postmortems imported", "changed", n)
				changed()
			}
		})
	})
}

// importPostmortems imports every folder and returns how many incidents changed.
func importPostmortems(ctx context.Context, svc *incident.Service, dirs []string) (int, error) {
	ctx = auth.NewContext(ctx, auth.System())
	var errs []error
	n := 0
	for _, d := range dirs {
		rep, err := svc.ImportPostmortems(ctx, d)
		n += rep.Changed
		if err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
