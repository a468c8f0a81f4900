package anomaly

import (
	"math"
	"regexp"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Series is a named metric series. It belongs to a catalog entity through its entity label
// (Entity, e.g. "component:default/x"), empty when it belongs to none.
type Series struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
	Entity string            `json:"entity,omitempty"`
}

// Point is one observation of a series.
type Point struct {
	T time.Time
	V float64
}

// Anomaly is a point a detector scored at or above the alarm threshold.
type Anomaly struct {
	Series   string    `json:"series"`
	Entity   string    `json:"entity,omitempty"`
	Detector string    `json:"detector"`
	At       time.Time `json:"at"`
	Value    float64   `json:"value"`
	Score    float64   `json:"score"`
}

// Bounds on what a client may send.
const (
	MaxNameLen        = 200
	MaxLabels         = 32
	MaxLabelLen       = 200
	MaxPointsPerWrite = 10000
)

// EntityLabel is the label that ties a series to a catalog entity.
const EntityLabel = "entity"

var (
	nameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.:-]*$`)
	labelRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ValidateSeries checks a series name and its labels against the bounds, and sets Entity
// from the entity label.
func ValidateSeries(s *Series) error {
	if len(s.Name) == 0 || len(s.Name) > MaxNameLen || !nameRE.MatchString(s.Name) {
		return errkind.Errorf(ErrInvalid, "series name %.40q: want 1 to %d letters, digits, '_', '.', ':' or '-', starting with a letter or '_'", s.Name, MaxNameLen)
	}
	if len(s.Labels) > MaxLabels {
		return errkind.Errorf(ErrInvalid, "series %s: more than %d labels", s.Name, MaxLabels)
	}
	for k, v := range s.Labels {
		if !labelRE.MatchString(k) || len(k) > MaxLabelLen || len(v) > MaxLabelLen {
			return errkind.Errorf(ErrInvalid, "series %s: label %.40q: want a name of letters, digits and '_' and a value of at most %d bytes", s.Name, k, MaxLabelLen)
		}
	}
	if e := s.Labels[EntityLabel]; e != "" {
		s.Entity = e
	}
	return nil
}

// ValidatePoints checks points to append after last (zero when the series is empty): finite
// values, strictly increasing timestamps, none at or before last. The error names the first
// bad point's index.
func ValidatePoints(series string, last time.Time, pts []Point) error {
	if len(pts) == 0 {
		return errkind.Errorf(ErrInvalid, "series %s: no points", series)
	}
	if len(pts) > MaxPointsPerWrite {
		return errkind.Errorf(ErrInvalid, "series %s: %d points, at most %d per write", series, len(pts), MaxPointsPerWrite)
	}
	prev := last
	for i, p := range pts {
		switch {
		case p.T.IsZero():
			return errkind.Errorf(ErrInvalid, "series %s: point %d has no timestamp", series, i)
		case math.IsNaN(p.V) || math.IsInf(p.V, 0):
			return errkind.Errorf(ErrInvalid, "series %s: point %d: value is not a finite number", series, i)
		case !prev.IsZero() && p.T.Equal(prev):
			return errkind.Errorf(ErrInvalid, "series %s: point %d: duplicate timestamp %s", series, i, p.T.UTC().Format(time.RFC3339Nano))
		case !prev.IsZero() && p.T.Before(prev):
			return errkind.Errorf(ErrInvalid, "series %s: point %d: timestamp %s is before %s (late or out of order)", series, i, p.T.UTC().Format(time.RFC3339Nano), prev.UTC().Format(time.RFC3339Nano))
		}
		prev = p.T
	}
	return nil
}
