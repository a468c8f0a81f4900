package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
)

const evalForecastUsage = `Usage: portal eval forecast [--focus FILE] [--json]

Backtests the cost forecasts by rolling origin: every model (linear trend + day-of-week
least squares, Holt-Winters with a weekly season, seasonal-naive) forecasts 14 days from 8
weekly origins of each series, and its MASE is its mean absolute error over those days
divided by seasonal-naive's in-sample error. The model with the lowest MASE is the one the
portal chooses for that series. Series:

  demo/component  the demo organisation's year of daily cost, per component (application tag)
  demo/service    the same history per provider service
  focus/service   the FOCUS file's daily BilledCost per ServiceName (7-day horizon, 3 origins
  focus/account   3 days apart) and per SubAccountId; only series with at least 20 days of cost
                  (the sample's EffectiveCost is zero on most of its AWS rows)

The table has each model's MASE, the chosen model, and the share of held-out days inside the
chosen model's 95% interval; a summary per set counts the series where the chosen model beats
seasonal-naive (MASE < 1).

Flags:
`

func runEvalForecast(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	flags, envErr := cfg.newFlagSet("eval forecast", "", stderr, env, commandSettings["eval forecast"]...)
	focus := flags.String("focus", "../shared/data/focus/focus-sample-data/FOCUS-1.0/focus_sample.csv", "a FOCUS CSV whose daily series to backtest too (\"\" for none)")
	asJSON := flags.Bool("json", false, "print the rows and summaries as JSON")
	flags.Usage = func() {
		io.WriteString(stderr, evalForecastUsage)
		flags.PrintDefaults()
	}
	err := parseCommand(&cfg, flags, envErr, args, func() error {
		if flags.NArg() > 0 {
			return usageError("eval forecast takes no arguments, got %q", flags.Arg(0))
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows, err := forecastRows(ctx, *focus)
	if err != nil {
		return fmt.Errorf("eval forecast: %w", err)
	}
	sums := evals.SummariseForecasts(rows)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Rows      []evals.ForecastRow     `json:"rows"`
			Summaries []evals.ForecastSummary `json:"summaries"`
		}{rows, sums})
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\tseries\tdays\torigins\tlinear\tholtwinters\tsnaive\tchosen\tchosen MASE\tcoverage\t")
	for _, r := range rows {
		b := r.Backtest
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%s\t%.3f\t%.2f\t\n", r.Set, trim(r.Series, 40), r.Days, b.Origins,
			b.MASE[finops.ModelLinear], b.MASE[finops.ModelHoltWinters], b.MASE[finops.ModelSeasonalNaive], b.Chosen, b.MASE[b.Chosen], b.Coverage[b.Chosen])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	for _, s := range sums {
		fmt.Fprintf(stdout, "%-15s chosen MASE < 1 on %d of %d series, below seasonal-naive's backtest MASE on %d; median chosen MASE %.3f; chosen %v\n",
			s.Set, s.Beaten, s.Series, s.BeatsNaive, s.MedianChosen, s.Chosen)
	}
	return nil
}

// forecastRows backtests the demo history's series and, when focus names a file, that
// file's.
func forecastRows(ctx context.Context, focus string) ([]evals.ForecastRow, error) {
	var buf bytes.Buffer
	// A fixed end keeps the eval's numbers reproducible from run to run.
	if _, err := demo.WriteCosts(&buf, demo.CostOptions{End: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Seed: 1}); err != nil {
		return nil, err
	}
	type set struct {
		name, by string
		cost     string
		data     []byte
		o        finops.BacktestOptions
		minDays  int
	}
	sets := []set{
		{"demo/component", "tag:application", "EffectiveCost", buf.Bytes(), finops.BacktestOptions{}, 28},
		{"demo/service", "ServiceName", "EffectiveCost", buf.Bytes(), finops.BacktestOptions{}, 28},
	}
	if focus != "" {
		b, err := os.ReadFile(focus)
		if err != nil {
			return nil, fmt.Errorf("read focus file: %w", err)
		}
		// The sample holds one month: a week ahead from three origins three days apart.
		// Its EffectiveCost is zero on most AWS rows, so the series are of BilledCost.
		o := finops.BacktestOptions{Horizon: 7, Origins: 3, Step: 3, MinTrain: 14}
		sets = append(sets, set{"focus/service", "ServiceName", "BilledCost", b, o, 20}, set{"focus/account", "SubAccountId", "BilledCost", b, o, 20})
	}
	var rows []evals.ForecastRow
	for _, s := range sets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		series, err := evals.FOCUSDaily(bytes.NewReader(s.data), s.by, s.cost)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		r, err := evals.BacktestSeries(s.name, series, s.o, s.minDays)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
