package anomaly

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// RowProblem is a CSV row that was not imported, and why.
type RowProblem struct {
	Line   int
	Reason string
}

func (p RowProblem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Reason) }

// csvTimeLayouts are the timestamp forms ReadCSV accepts besides Unix seconds: NAB's and
// RFC 3339.
var csvTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.000000", time.RFC3339Nano}

// MaxCSVRows bounds one import.
const MaxCSVRows = 5_000_000

// ReadCSV reads timestamp,value rows (NAB's format; a header row is skipped) and returns the
// points to append after last, in order, and every row it refused: malformed, not finite,
// a duplicate timestamp, or at or before the point before it (late or out of order).
func ReadCSV(r io.Reader, last time.Time) ([]Point, []RowProblem, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var pts []Point
	var problems []RowProblem
	prev := last
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return pts, problems, nil
		}
		if line > MaxCSVRows {
			return nil, nil, fmt.Errorf("more than %d rows", MaxCSVRows)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problems = append(problems, RowProblem{line, "malformed CSV"})
				continue
			}
			return nil, nil, fmt.Errorf("read CSV: %w", err)
		}
		if line == 1 && len(rec) >= 2 && strings.EqualFold(strings.TrimSpace(rec[0]), "timestamp") {
			continue
		}
		p, reason := csvPoint(rec)
		switch {
		case reason != "":
		case !prev.IsZero() && p.T.Equal(prev):
			reason = "duplicate timestamp " + p.T.Format(time.RFC3339)
		case !prev.IsZero() && p.T.Before(prev):
			reason = "timestamp " + p.T.Format(time.RFC3339) + " is before " + prev.Format(time.RFC3339) + " (late or out of order)"
		}
		if reason != "" {
			problems = append(problems, RowProblem{line, reason})
			continue
		}
		pts = append(pts, p)
		prev = p.T
	}
}

func csvPoint(rec []string) (Point, string) {
	if len(rec) != 2 {
		return Point{}, fmt.Sprintf("%d columns, want timestamp,value", len(rec))
	}
	t, ok := csvTime(strings.TrimSpace(rec[0]))
	if !ok {
		return Point{}, fmt.Sprintf("timestamp %.40q: want YYYY-MM-DD HH:MM:SS, RFC 3339 or Unix seconds", rec[0])
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
	if err != nil {
		return Point{}, fmt.Sprintf("value %.40q: not a number", rec[1])
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Point{}, "value is not a finite number"
	}
	return Point{T: t, V: v}, ""
}

func csvTime(s string) (time.Time, bool) {
	for _, layout := range csvTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Microsecond), true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e11 {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC(), true
	}
	return time.Time{}, false
}
