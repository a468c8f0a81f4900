package anomaly

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	promapi "github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// PromQuery is one PromQL query pulled into a series. A query that returns several series
// fills one series per result, named Series_<label values>.
type PromQuery struct {
	Series string            `json:"series"`
	Query  string            `json:"query"`
	Labels map[string]string `json:"labels,omitempty"`
}

// ParsePromQueries reads a JSON array of PromQuery and checks each series name.
func ParsePromQueries(s string) ([]PromQuery, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var qs []PromQuery
	if err := json.Unmarshal([]byte(s), &qs); err != nil {
		return nil, fmt.Errorf("prometheus queries: want a JSON array of {series, query, labels}: %w", err)
	}
	for _, q := range qs {
		ser := Series{Name: q.Series, Labels: q.Labels}
		if err := ValidateSeries(&ser); err != nil {
			return nil, fmt.Errorf("prometheus queries: %w", err)
		}
		if strings.TrimSpace(q.Query) == "" {
			return nil, fmt.Errorf("prometheus queries: series %s has no query", q.Series)
		}
	}
	return qs, nil
}

// Puller reads PromQL queries from a Prometheus server's query_range API into series.
type Puller struct {
	api      promv1.API
	svc      *Service
	queries  []PromQuery
	step     time.Duration
	lookback time.Duration
	log      *slog.Logger
}

// NewPuller returns a puller of queries from the Prometheus server at url, at resolution
// step, reaching back lookback on a series' first pull.
func NewPuller(url string, svc *Service, queries []PromQuery, step, lookback time.Duration, log *slog.Logger) (*Puller, error) {
	c, err := promapi.NewClient(promapi.Config{Address: url})
	if err != nil {
		return nil, fmt.Errorf("prometheus client %s: %w", url, err)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Puller{api: promv1.NewAPI(c), svc: svc, queries: queries, step: step, lookback: lookback,
		log: log.With("component", "prometheus")}, nil
}

// Pull reads every query over [last stored point, now] and ingests the new points; it
// returns how many points it stored.
func (p *Puller) Pull(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for _, q := range p.queries {
		n, err := p.pullOne(ctx, q, now)
		total += n
		if err != nil {
			return total, fmt.Errorf("pull %s: %w", q.Series, err)
		}
	}
	return total, nil
}

func (p *Puller) pullOne(ctx context.Context, q PromQuery, now time.Time) (int, error) {
	start := now.Add(-p.lookback)
	val, warnings, _, err := p.api.QueryRange(ctx, q.Query, promv1.Range{Start: start, End: now, Step: p.step})
	if err != nil {
		return 0, fmt.Errorf("query_range: %w", err)
	}
	for _, w := range warnings {
		p.log.Warn("prometheus warning", "series", q.Series, "warning", w)
	}
	matrix, ok := val.(model.Matrix)
	if !ok {
		return 0, fmt.Errorf("query_range returned %s, want a matrix", val.Type())
	}
	total := 0
	for _, stream := range matrix {
		name := q.Series
		if len(matrix) > 1 {
			name = streamName(q.Series, stream.Metric)
		}
		labels := map[string]string{}
		for k, v := range q.Labels {
			labels[k] = v
		}
		last, err := p.svc.LastPoint(ctx, name)
		if err != nil {
			return total, err
		}
		var pts []Point
		for _, s := range stream.Values {
			t := s.Timestamp.Time().UTC()
			if !last.IsZero() && !t.After(last) {
				continue
			}
			pts = append(pts, Point{T: t, V: float64(s.Value)})
		}
		for start := 0; start < len(pts); start += MaxPointsPerWrite {
			chunk := pts[start:min(start+MaxPointsPerWrite, len(pts))]
			if err := p.svc.Ingest(ctx, Series{Name: name, Labels: labels}, chunk); err != nil {
				return total, err
			}
			total += len(chunk)
		}
	}
	return total, nil
}

// streamName names one result of a query that returns several: the series name and the
// result's label values, sorted by label name, joined by '_'.
func streamName(base string, m model.Metric) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != model.MetricNameLabel {
			keys = append(keys, string(k))
		}
	}
	slices.Sort(keys)
	var sb strings.Builder
	sb.WriteString(base)
	for _, k := range keys {
		sb.WriteByte('_')
		for _, r := range string(m[model.LabelName(k)]) {
			if r < 128 && (r == '_' || r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				sb.WriteRune(r)
			} else {
				sb.WriteByte('_')
			}
		}
	}
	return sb.String()[:min(sb.Len(), MaxNameLen)]
}

// Run pulls every interval until ctx ends, logging failures.
func (p *Puller) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := p.Pull(ctx, time.Now()); err != nil {
			p.log.Warn("prometheus pull failed", "error", err)
		} else {
			p.log.Debug("prometheus pulled", "points", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
