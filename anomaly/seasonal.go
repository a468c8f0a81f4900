package anomaly

import (
	"math"
	"time"
)

// seasonal compares a value with the same hour of the day (or of the week) in the past, when
// the series shows that seasonality: when the per-hour medians explain the series better than
// its overall median does. Otherwise it is the plain robust z-score.
type seasonal struct {
	global *robustZ
	day    [24]*rolling
	week   [168]*rolling
	// errGlobal, errDay and errWeek are running means of each model's absolute error.
	errGlobal, errDay, errWeek float64
	n                          int
}

// seasonalDepth is how many past values each hour slot keeps.
const seasonalDepth = 20

func newSeasonal(window int) *seasonal {
	s := &seasonal{global: newRobustZ(window)}
	for i := range s.day {
		s.day[i] = newRolling(seasonalDepth * 4)
	}
	for i := range s.week {
		s.week[i] = newRolling(seasonalDepth)
	}
	return s
}

func (s *seasonal) surprise(t time.Time, v float64) float64 {
	g := s.global.w
	var zg float64
	var gm, gs float64
	if g.len() >= minPoints {
		gm = g.median()
		gs = g.scale(gm)
		zg = math.Abs(v-gm) / gs
	}
	day := s.day[t.Hour()]
	week := s.week[int(t.Weekday())*24+t.Hour()]
	z := zg
	const decay = 0.995
	if day.len() >= 3 && g.len() >= minPoints {
		dm := day.median()
		s.errDay = decay*s.errDay + (1-decay)*math.Abs(v-dm)
		s.errGlobal = decay*s.errGlobal + (1-decay)*math.Abs(v-gm)
		var wm float64
		if week.len() >= 3 {
			wm = week.median()
			s.errWeek = decay*s.errWeek + (1-decay)*math.Abs(v-wm)
		}
		s.n++
		if s.n > 200 && s.errDay < 0.8*s.errGlobal {
			m, sl := dm, day
			if week.len() >= 3 && s.errWeek < 0.9*s.errDay {
				m, sl = wm, week
			}
			z = math.Abs(v-m) / math.Max(sl.scale(m), 0.25*gs)
		}
	}
	day.add(v)
	week.add(v)
	g.add(v)
	return z
}
