package anomaly

import (
	"math"
	"sort"
)

// rolling keeps the last n values both in arrival order and sorted, so the median and the
// median absolute deviation cost O(n) per point at most.
type rolling struct {
	ring   []float64
	sorted []float64
	next   int
	n      int
}

func newRolling(n int) *rolling {
	return &rolling{ring: make([]float64, 0, n), sorted: make([]float64, 0, n), n: n}
}

func (r *rolling) len() int { return len(r.sorted) }

func (r *rolling) add(v float64) {
	if len(r.ring) == r.n {
		old := r.ring[r.next]
		i := sort.SearchFloat64s(r.sorted, old)
		r.sorted = append(r.sorted[:i], r.sorted[i+1:]...)
		r.ring[r.next] = v
		r.next = (r.next + 1) % r.n
	} else {
		r.ring = append(r.ring, v)
	}
	i := sort.SearchFloat64s(r.sorted, v)
	r.sorted = append(r.sorted, 0)
	copy(r.sorted[i+1:], r.sorted[i:])
	r.sorted[i] = v
}

func (r *rolling) quantile(q float64) float64 {
	if len(r.sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(r.sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(r.sorted)-1)
	f := pos - float64(lo)
	return r.sorted[lo]*(1-f) + r.sorted[hi]*f
}

func (r *rolling) median() float64 { return r.quantile(0.5) }

// mad is the median absolute deviation from m, merging the distances on both sides of m.
func (r *rolling) mad(m float64) float64 {
	s := r.sorted
	if len(s) == 0 {
		return math.NaN()
	}
	k := (len(s) - 1) / 2 // the k-th smallest distance, from 0
	right := sort.SearchFloat64s(s, m)
	left := right - 1
	var d float64
	for i := 0; i <= k; i++ {
		switch {
		case left < 0:
			d = s[right] - m
			right++
		case right >= len(s):
			d = m - s[left]
			left--
		case m-s[left] <= s[right]-m:
			d = m - s[left]
			left--
		default:
			d = s[right] - m
			right++
		}
	}
	return d
}

// scale is a robust spread of the window: 1.4826 × MAD, falling back to the interquartile
// and full ranges when most values are equal, and to a tiny fraction of the level when the
// window is flat.
func (r *rolling) scale(m float64) float64 {
	if s := 1.4826 * r.mad(m); s > 0 {
		return s
	}
	if s := (r.quantile(0.9) - r.quantile(0.1)) / 2.563; s > 0 {
		return s
	}
	if s := (r.sorted[len(r.sorted)-1] - r.sorted[0]) / 6; s > 0 {
		return s
	}
	return 1e-3 * math.Max(math.Abs(m), 1e-3)
}
