package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/nab"
)

const evalNABUsage = `Usage: portal eval nab --data DIR [--detector NAME|all] [--results DIR] [--json]

Runs anomaly detectors over the Numenta Anomaly Benchmark in DIR (data/, labels/,
results/final_results.json) and scores them the way NAB does: one threshold per detector and
profile optimised over the whole corpus, normalised so the null detector scores 0 and a
perfect one 100. Each detector is named by --detector (default all: every detector of the
portal, with its one global configuration); the published scoreboard of
DIR/results/final_results.json is printed beside them.

With --results DIR2 the scorer reads instead the published per-row output of the NAB
detector --detector (DIR2/<detector>/<category>/<detector>_<file>.csv), which checks the
scorer against final_results.json.

Flags:
`

// nabRow is one detector's line of the eval nab report.
type nabRow struct {
	Detector  string       `json:"detector"`
	Published bool         `json:"published"`
	Results   []nab.Result `json:"results"`
}

func runEvalNAB(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	flags, envErr := cfg.newFlagSet("eval nab", "", stderr, env, commandSettings["eval nab"]...)
	var data, detector, results string
	var asJSON bool
	flags.StringVar(&data, "data", "", "the NAB folder: data/, labels/combined_windows.json (required)")
	flags.StringVar(&detector, "detector", "all", "the detector to score: "+strings.Join(anomaly.Names(), ", ")+" or all")
	flags.StringVar(&results, "results", "", "score NAB's published per-row output in this results/ folder instead")
	flags.BoolVar(&asJSON, "json", false, "print the report as JSON")
	flags.Usage = func() {
		io.WriteString(stderr, evalNABUsage)
		flags.PrintDefaults()
	}
	err := parseCommand(&cfg, flags, envErr, args, func() error {
		switch {
		case flags.NArg() > 0:
			return usageError("eval nab takes no arguments, got %q", flags.Arg(0))
		case data == "":
			return usageError("eval nab needs --data DIR")
		case results == "" && detector != "all" && !anomaly.Known(detector):
			return usageError("--detector %q: want %s or all", detector, strings.Join(anomaly.Names(), ", "))
		case results != "" && detector == "all":
			return usageError("--results needs --detector NAME, a NAB detector")
		}
		return nil
	})
	if err != nil {
		return err
	}
	corpus, err := nab.LoadCorpus(data)
	if err != nil {
		return fmt.Errorf("eval nab: %w", err)
	}
	var rows []nabRow
	if results != "" {
		scores, err := corpus.LoadResults(results, detector)
		if err != nil {
			return fmt.Errorf("eval nab: %w", err)
		}
		res, err := corpus.Evaluate(scores, nab.Profiles())
		if err != nil {
			return fmt.Errorf("eval nab: %w", err)
		}
		rows = append(rows, nabRow{Detector: detector, Results: res})
	} else {
		names := []string{detector}
		if detector == "all" {
			names = anomaly.Names()
		}
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "running %s over %d files\n", name, len(corpus.Files))
			scores := corpus.Run(func() anomaly.Detector {
				d, _ := anomaly.New(name, anomaly.DefaultConfig())
				return d
			}, runtime.GOMAXPROCS(0))
			res, err := corpus.Evaluate(scores, nab.Profiles())
			if err != nil {
				return fmt.Errorf("eval nab: %s: %w", name, err)
			}
			rows = append(rows, nabRow{Detector: name, Results: res})
		}
	}
	rows = append(rows, publishedRows(data)...)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	return writeNABTable(stdout, rows)
}

// publishedRows reads NAB's scoreboard, results/final_results.json, if DIR holds it.
func publishedRows(dir string) []nabRow {
	b, err := os.ReadFile(filepath.Join(dir, "results", "final_results.json"))
	if err != nil {
		return nil
	}
	var board map[string]map[string]float64
	if json.Unmarshal(b, &board) != nil {
		return nil
	}
	var rows []nabRow
	for name, scores := range board {
		row := nabRow{Detector: name, Published: true}
		for _, p := range nab.Profiles() {
			row.Results = append(row.Results, nab.Result{Profile: p.Name, Score: scores[p.Name]})
		}
		rows = append(rows, row)
	}
	sortNABRows(rows)
	return rows
}

func sortNABRows(rows []nabRow) {
	score := func(r nabRow) float64 {
		if len(r.Results) == 0 {
			return 0
		}
		return r.Results[0].Score
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && score(rows[j]) > score(rows[j-1]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

func writeNABTable(w io.Writer, rows []nabRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "detector\tstandard\treward_low_FP_rate\treward_low_FN_rate\tthreshold (standard)\t")
	for _, r := range rows {
		name, thr := r.Detector, ""
		if r.Published {
			name = "NAB " + name
		} else if len(r.Results) > 0 {
			thr = fmt.Sprintf("%.4f", r.Results[0].Threshold)
		}
		fmt.Fprintf(tw, "%s\t", name)
		for _, res := range r.Results {
			fmt.Fprintf(tw, "%.2f\t", res.Score)
		}
		fmt.Fprintf(tw, "%s\t\n", thr)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("eval nab: write report: %w", err)
	}
	return nil
}
