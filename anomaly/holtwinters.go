package anomaly

import (
	"math"
	"time"
)

// holtWinters is the residual of a Holt (level and trend) exponential smoothing forecast, in
// robust standard deviations of its recent residuals.
type holtWinters struct {
	alpha, beta  float64
	level, trend float64
	n            int
	resid        *rolling
}

func newHoltWinters(window int) *holtWinters {
	return &holtWinters{alpha: 0.3, beta: 0.05, resid: newRolling(window)}
}

func (h *holtWinters) surprise(_ time.Time, v float64) float64 {
	if h.n == 0 {
		h.level, h.n = v, 1
		return 0
	}
	forecast := h.level + h.trend
	r := v - forecast
	z := 0.0
	if h.resid.len() >= minPoints {
		m := h.resid.median()
		z = math.Abs(r-m) / h.resid.scale(m)
	}
	h.resid.add(r)
	prev := h.level
	h.level = h.alpha*v + (1-h.alpha)*forecast
	h.trend = h.beta*(h.level-prev) + (1-h.beta)*h.trend
	h.n++
	return z
}
