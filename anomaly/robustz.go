package anomaly

import (
	"math"
	"time"
)

// minPoints is how many past points a robust statistic needs before it judges.
const minPoints = 10

// robustZ is the distance of a value from the rolling median in robust standard deviations
// (1.4826 × MAD).
type robustZ struct{ w *rolling }

func newRobustZ(window int) *robustZ { return &robustZ{w: newRolling(window)} }

func (r *robustZ) surprise(_ time.Time, v float64) float64 {
	z := 0.0
	if r.w.len() >= minPoints {
		m := r.w.median()
		z = math.Abs(v-m) / r.w.scale(m)
	}
	r.w.add(v)
	return z
}

// diffZ is the robust z-score of the first difference: it sees a jump even when the level
// it jumps to is within the usual range.
type diffZ struct {
	z    *robustZ
	prev float64
	seen bool
}

func newDiffZ(window int) *diffZ { return &diffZ{z: newRobustZ(window)} }

func (d *diffZ) surprise(t time.Time, v float64) float64 {
	if !d.seen {
		d.prev, d.seen = v, true
		return 0
	}
	z := d.z.surprise(t, v-d.prev)
	d.prev = v
	return z
}
