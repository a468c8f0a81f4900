package anomaly

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Service ingests points and scores them as they arrive, recording anomalies.
type Service struct {
	store    Store
	detector string
	cfg      Config
	// Threshold is the score at or above which a point is recorded as an anomaly.
	threshold float64
	log       *slog.Logger
	resolve   Resolver

	mu    sync.Mutex
	warm  map[string]*warmDetector
	clock func() time.Time
}

// warmDetector is a detector that has seen a series up to last.
type warmDetector struct {
	d    Detector
	last time.Time
}

// ServiceOptions configure a Service.
type ServiceOptions struct {
	// Detector is the detector's name (default "seasonal").
	Detector string
	Config   Config
	// Threshold is the alarm score (default 0.5).
	Threshold float64
	Logger    *slog.Logger
	// Resolve ties a series without an entity label to the entity whose
	// SelectorAnnotation claims it; nil leaves such series without an entity.
	Resolve Resolver
}

// historyLimit is how many scored points warm a detector up after a restart or a handover.
const historyLimit = 10000

// NewService returns a service over store.
func NewService(store Store, o ServiceOptions) (*Service, error) {
	if o.Detector == "" {
		o.Detector = "seasonal"
	}
	if !Known(o.Detector) {
		return nil, fmt.Errorf("anomaly service: unknown detector %q", o.Detector)
	}
	if o.Threshold == 0 {
		o.Threshold = 0.5
	}
	if o.Config.Window == 0 {
		o.Config = DefaultConfig()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{store: store, detector: o.Detector, cfg: o.Config, threshold: o.Threshold,
		log: o.Logger.With("component", "anomaly"), resolve: o.Resolve, warm: map[string]*warmDetector{}, clock: time.Now}, nil
}

// Ingest creates or updates the series and appends its points, then scores what is pending.
// Bad points (ValidatePoints) are refused with ErrInvalid and nothing is stored.
func (s *Service) Ingest(ctx context.Context, series Series, pts []Point) error {
	if err := ValidateSeries(&series); err != nil {
		return err
	}
	if err := ValidatePoints(series.Name, time.Time{}, pts); err != nil {
		return err
	}
	if series.Entity == "" && s.resolve != nil {
		e, err := s.resolve(ctx, series)
		if err != nil {
			return fmt.Errorf("resolve the entity of series %s: %w", series.Name, err)
		}
		series.Entity = e
	}
	if err := s.store.PutSeries(ctx, series); err != nil {
		return err
	}
	if err := s.store.AppendPoints(ctx, series.Name, pts); err != nil {
		return err
	}
	_, err := s.ScoreSeries(ctx, series.Name)
	return err
}

// ScoreSeries scores the series' pending points unless another replica is at it, and
// reports whether it did.
func (s *Service) ScoreSeries(ctx context.Context, name string) (bool, error) {
	return s.store.Score(ctx, name, historyLimit, func(ser Series, scored time.Time, history func() ([]Point, error), pending []Point) ([]Anomaly, error) {
		d, err := s.detectorFor(ser.Name, scored, history)
		if err != nil {
			return nil, err
		}
		var found []Anomaly
		for _, p := range pending {
			score := d.d.Score(p.T, p.V)
			d.last = p.T
			if score >= s.threshold {
				found = append(found, Anomaly{Series: ser.Name, Entity: ser.Entity, Detector: s.detector, At: p.T, Value: p.V, Score: score})
			}
		}
		return found, nil
	})
}

// ScorePending scores every series with pending points (the background loop's step).
func (s *Service) ScorePending(ctx context.Context) error {
	names, err := s.store.PendingSeries(ctx, 1000)
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := s.ScoreSeries(ctx, n); err != nil {
			return fmt.Errorf("score series %s: %w", n, err)
		}
	}
	return nil
}

// detectorFor returns the warm detector of a series, rebuilt from its history unless the
// one in memory has seen exactly up to scored (another replica may have scored since).
func (s *Service) detectorFor(series string, scored time.Time, history func() ([]Point, error)) (*warmDetector, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.warm[series]; ok && w.last.Equal(scored) {
		return w, nil
	}
	delete(s.warm, series)
	pts, err := history()
	if err != nil {
		return nil, err
	}
	d, _ := New(s.detector, s.cfg)
	w := &warmDetector{d: d, last: scored}
	for _, p := range pts {
		d.Score(p.T, p.V)
	}
	s.warm[series] = w
	return w, nil
}

// LastPoint is the time of the series' last stored point: zero when the series is unknown or
// empty.
func (s *Service) LastPoint(ctx context.Context, series string) (time.Time, error) {
	t, err := s.store.LastPoint(ctx, series)
	if errors.Is(err, ErrNotFound) {
		return time.Time{}, nil
	}
	return t, err
}

// Anomalies lists recorded anomalies.
func (s *Service) Anomalies(ctx context.Context, q AnomalyQuery) ([]Anomaly, error) {
	return s.store.Anomalies(ctx, q)
}

// Points reads a series' points for a chart.
func (s *Service) Points(ctx context.Context, series string, from, to time.Time, limit int) (Series, []Point, error) {
	ser, err := s.store.Series(ctx, series)
	if err != nil {
		return Series{}, nil, err
	}
	pts, err := s.store.Points(ctx, series, from, to, limit)
	return ser, pts, err
}

// Series returns one stored series; ErrNotFound when it does not exist.
func (s *Service) Series(ctx context.Context, name string) (Series, error) {
	return s.store.Series(ctx, name)
}

// Retain deletes points older than keep.
func (s *Service) Retain(ctx context.Context, keep time.Duration) (int64, error) {
	return s.store.DeletePointsBefore(ctx, s.clock().Add(-keep))
}
