package finops

import (
	"context"
	"fmt"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Outlook is the daily cost of what a filter selects, in one currency, and its forecast.
type Outlook struct {
	Filter   map[string]string `json:"filter"`
	Currency string            `json:"currency"`
	// First is the day of History[0]; History holds each day's EffectiveCost up to AsOf
	// (days without costs are 0).
	First   time.Time `json:"first"`
	History []float64 `json:"history"`
	// AsOf is the first day without cost data: the day after the last one with costs (or
	// the requested day, when that is earlier). Forecast[k] is the day AsOf+k.
	AsOf     time.Time  `json:"as_of"`
	Forecast Prediction `json:"forecast"`
	Backtest Backtest   `json:"backtest"`
}

// OutlookQuery selects an Outlook.
type OutlookQuery struct {
	// Filter selects the lines, as in DailyQuery (e.g. {"owner": "group:default/x"}).
	Filter map[string]string
	// Currency is the currency to read; "" takes the one with the most cost.
	Currency string
	// Now is the day to forecast from (default today, UTC); data on or after it is ignored.
	Now time.Time
	// History is how many days before Now to read (default 180), Horizon how many to
	// forecast (default 30).
	History, Horizon int
}

// Outlook reads the daily cost q selects, as the caller may see it, and forecasts it with
// the model the series' rolling-origin backtest chooses (see ForecastSeries). With fewer
// than MinHistory days of data the forecast is empty.
func (s *Service) Outlook(ctx context.Context, q OutlookQuery) (Outlook, error) {
	if q.History <= 0 {
		q.History = 180
	}
	if q.Horizon <= 0 {
		q.Horizon = 30
	}
	if q.History > 3*366 || q.Horizon > 366 {
		return Outlook{}, errkind.Errorf(ErrInvalid, "outlook: at most 3 years of history and 1 year ahead")
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	now := dayOf(q.Now)
	from := now.AddDate(0, 0, -q.History)
	days, err := s.Daily(ctx, DailyQuery{Filter: q.Filter, From: from, To: now})
	if err != nil {
		return Outlook{}, fmt.Errorf("outlook: %w", err)
	}
	cur := q.Currency
	if cur == "" {
		sums := map[string]float64{}
		for _, d := range days {
			sums[d.Currency] += d.EffectiveCost
		}
		for c, v := range sums {
			if cur == "" || v > sums[cur] || (v == sums[cur] && c < cur) {
				cur = c
			}
		}
	}
	o := Outlook{Filter: q.Filter, Currency: cur, First: from, AsOf: now}
	var last time.Time
	byDay := map[time.Time]float64{}
	for _, d := range days {
		if d.Currency != cur {
			continue
		}
		byDay[d.Day] += d.EffectiveCost
		if d.Day.After(last) {
			last = d.Day
		}
	}
	if last.IsZero() {
		return o, nil
	}
	o.AsOf = last.AddDate(0, 0, 1)
	// Start at the first day with data, so a new service's zeros before it existed do not
	// count as history.
	first := last
	for d := range byDay {
		if d.Before(first) {
			first = d
		}
	}
	o.First = first
	n := int(o.AsOf.Sub(first).Hours() / 24)
	o.History = make([]float64, n)
	for d, v := range byDay {
		o.History[int(d.Sub(first).Hours()/24)] = v
	}
	if n < MinHistory {
		return o, nil
	}
	p, bt, err := ForecastSeries(o.History, q.Horizon, BacktestOptions{})
	if err != nil {
		return Outlook{}, fmt.Errorf("outlook: %w", err)
	}
	o.Forecast, o.Backtest = p, bt
	return o, nil
}
