package anomaly

import (
	"math"
	"time"
)

// cusum is a two-sided CUSUM of robust z-scores against the rolling median: it accumulates
// small persistent shifts that no single point shows, and restarts after signalling.
type cusum struct {
	w        *rolling
	hi, lo   float64
	k, limit float64
}

func newCUSUM(window int) *cusum { return &cusum{w: newRolling(window), k: 0.5, limit: 8} }

func (c *cusum) surprise(_ time.Time, v float64) float64 {
	if c.w.len() < minPoints {
		c.w.add(v)
		return 0
	}
	m := c.w.median()
	z := (v - m) / c.w.scale(m)
	z = math.Max(-10, math.Min(10, z))
	c.hi = math.Max(0, c.hi+z-c.k)
	c.lo = math.Max(0, c.lo-z-c.k)
	s := math.Max(c.hi, c.lo)
	if s > c.limit {
		c.hi, c.lo = 0, 0
	}
	c.w.add(v)
	return s / 2
}
