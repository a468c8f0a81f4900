package anomaly

import (
	"context"
	"time"
)

// Store keeps series, their points and the anomalies found in them.
type Store interface {
	// PutSeries creates the series or replaces its labels and entity.
	PutSeries(ctx context.Context, s Series) error
	// Series returns one series; ErrNotFound when it does not exist.
	Series(ctx context.Context, name string) (Series, error)
	// AppendPoints adds points to an existing series in one transaction. Every point must
	// be later than the series' last point and than the one before it (ValidatePoints);
	// otherwise nothing is stored and the error is ErrInvalid. ErrNotFound for an unknown
	// series.
	AppendPoints(ctx context.Context, series string, pts []Point) error
	// LastPoint is the time of the series' last point, zero when it has none;
	// ErrNotFound for an unknown series.
	LastPoint(ctx context.Context, series string) (time.Time, error)
	// Points returns the series' points with from <= T < to, oldest first, at most limit
	// (0: no limit).
	Points(ctx context.Context, series string, from, to time.Time, limit int) ([]Point, error)
	// DeletePointsBefore removes every point older than before (retention) and returns how
	// many went.
	DeletePointsBefore(ctx context.Context, before time.Time) (int64, error)
	// Score lets fn score the points of series not yet scored, holding the series so that
	// no other replica scores it at the same time. fn gets the time of the last point
	// already scored (zero if none) and, to call only when it needs them, those points: up
	// to historyLimit, oldest first. The anomalies fn returns are stored and the series is
	// marked scored through its last pending point in the same transaction. It returns
	// false, without calling fn, when another replica holds the series or nothing is pending.
	Score(ctx context.Context, series string, historyLimit int, fn ScoreFunc) (bool, error)
	// Anomalies returns the anomalies matching q, oldest first.
	Anomalies(ctx context.Context, q AnomalyQuery) ([]Anomaly, error)
	// PendingSeries names the series with points not yet scored, at most limit.
	PendingSeries(ctx context.Context, limit int) ([]string, error)
}

// ScoreFunc scores a series' pending points; see Store.Score.
type ScoreFunc func(s Series, scoredThrough time.Time, history func() ([]Point, error), pending []Point) ([]Anomaly, error)

// AnomalyQuery selects anomalies: every field set narrows the result.
type AnomalyQuery struct {
	Entity string
	Series string
	From   time.Time // inclusive
	To     time.Time // exclusive
	Limit  int
}
