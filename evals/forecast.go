package evals

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nextportal/portal/finops"
)

// DailySeries is one daily cost series: Values[i] is the EffectiveCost of day First+i.
type DailySeries struct {
	Name   string
	First  time.Time
	Values []float64
}

// FOCUSDaily sums a FOCUS CSV's cost column (EffectiveCost, BilledCost, …) per day (the
// date of ChargePeriodStart) and per value of by: a column name ("ServiceName", "SubAccountId") or "tag:KEY" for a key of
// the JSON Tags column ("" when the row lacks it). Days without rows count as zero, from
// the first to the last day of the file. Series come back sorted by name.
func FOCUSDaily(r io.Reader, by, cost string) ([]DailySeries, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("focus daily: read header: %w", err)
	}
	col := map[string]int{}
	for i, c := range head {
		col[strings.TrimPrefix(c, "\ufeff")] = i
	}
	tagKey, isTag := strings.CutPrefix(by, "tag:")
	need := []string{"ChargePeriodStart", cost}
	if isTag {
		need = append(need, "Tags")
	} else {
		need = append(need, by)
	}
	for _, c := range need {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("focus daily: no column %s", c)
		}
	}
	sums := map[string]map[time.Time]float64{}
	var first, last time.Time
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("focus daily: line %d: %w", line, err)
		}
		start := rec[col["ChargePeriodStart"]]
		if len(start) < 10 {
			return nil, fmt.Errorf("focus daily: line %d: ChargePeriodStart %q", line, start)
		}
		day, err := time.Parse("2006-01-02", start[:10])
		if err != nil {
			return nil, fmt.Errorf("focus daily: line %d: ChargePeriodStart: %w", line, err)
		}
		amount, err := strconv.ParseFloat(rec[col[cost]], 64)
		if err != nil {
			continue // NULL or empty: no cost to add
		}
		var key string
		if isTag {
			var tags map[string]any
			if t := rec[col["Tags"]]; t != "" && t != "NULL" {
				if json.Unmarshal([]byte(t), &tags) == nil {
					key = fmt.Sprint(tags[tagKey])
					if tags[tagKey] == nil {
						key = ""
					}
				}
			}
		} else {
			key = rec[col[by]]
			if key == "NULL" {
				key = ""
			}
		}
		if sums[key] == nil {
			sums[key] = map[time.Time]float64{}
		}
		sums[key][day] += amount
		if first.IsZero() || day.Before(first) {
			first = day
		}
		if day.After(last) {
			last = day
		}
	}
	if first.IsZero() {
		return nil, nil
	}
	n := int(last.Sub(first).Hours()/24) + 1
	out := make([]DailySeries, 0, len(sums))
	for key, days := range sums {
		s := DailySeries{Name: key, First: first, Values: make([]float64, n)}
		for d, v := range days {
			s.Values[int(d.Sub(first).Hours()/24)] = v
		}
		if s.Name == "" {
			s.Name = "(none)"
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ForecastRow is the backtest of one series.
type ForecastRow struct {
	Set      string          `json:"set"`
	Series   string          `json:"series"`
	Days     int             `json:"days"`
	Backtest finops.Backtest `json:"backtest"`
}

// ForecastSummary totals a set's rows: on how many series the chosen model's MASE is below
// 1 (it beats seasonal-naive's in-sample error), on how many it is below seasonal-naive's own
// backtest MASE (a model other than seasonal-naive was chosen), the median chosen MASE, and
// how often each model was chosen.
type ForecastSummary struct {
	Set          string         `json:"set"`
	Series       int            `json:"series"`
	Beaten       int            `json:"beaten"`
	BeatsNaive   int            `json:"beats_naive_backtest"`
	MedianChosen float64        `json:"median_chosen_mase"`
	Chosen       map[string]int `json:"chosen"`
}

// BacktestSeries backtests every series with o, skipping those with fewer than minDays
// non-zero days (too sparse to say anything about) or too short for o.
func BacktestSeries(set string, series []DailySeries, o finops.BacktestOptions, minDays int) ([]ForecastRow, error) {
	var rows []ForecastRow
	for _, s := range series {
		nz := 0
		for _, v := range s.Values {
			if v != 0 {
				nz++
			}
		}
		if nz < minDays {
			continue
		}
		bt, err := finops.RunBacktest(s.Values, o)
		if errors.Is(err, finops.ErrShortSeries) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("backtest %s %s: %w", set, s.Name, err)
		}
		if bt.Origins == 0 {
			continue
		}
		rows = append(rows, ForecastRow{Set: set, Series: s.Name, Days: len(s.Values), Backtest: bt})
	}
	return rows, nil
}

// SummariseForecasts totals rows per set, in the order sets first appear.
func SummariseForecasts(rows []ForecastRow) []ForecastSummary {
	var out []ForecastSummary
	idx := map[string]int{}
	chosen := map[string][]float64{}
	for _, r := range rows {
		i, ok := idx[r.Set]
		if !ok {
			i = len(out)
			idx[r.Set] = i
			out = append(out, ForecastSummary{Set: r.Set, Chosen: map[string]int{}})
		}
		m := r.Backtest.MASE[r.Backtest.Chosen]
		out[i].Series++
		if m < 1 {
			out[i].Beaten++
		}
		if m < r.Backtest.MASE[finops.ModelSeasonalNaive] {
			out[i].BeatsNaive++
		}
		out[i].Chosen[r.Backtest.Chosen]++
		chosen[r.Set] = append(chosen[r.Set], m)
	}
	for i := range out {
		v := chosen[out[i].Set]
		slices.Sort(v)
		out[i].MedianChosen = median(v)
	}
	return out
}

func median(v []float64) float64 {
	switch n := len(v); {
	case n == 0:
		return math.NaN()
	case n%2 == 1:
		return v[n/2]
	default:
		return (v[n/2-1] + v[n/2]) / 2
	}
}
