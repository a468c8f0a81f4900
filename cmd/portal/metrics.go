package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nextportal/portal/anomaly"
)

const metricsUsage = `Usage: portal metrics <command> [flags]

Commands:
  import FILE --series NAME [--labels k=v,...]   append a timestamp,value CSV to a series
`

const metricsImportUsage = `Usage: portal metrics import FILE --series NAME [--labels k=v,...]

Appends the rows of a timestamp,value CSV (NAB's format: a header row, then
"YYYY-MM-DD HH:MM:SS,value"; RFC 3339 times and Unix seconds work too) to the series NAME,
creating it, and scores the new points. Rows that are malformed, not finite, duplicated, or
at or before the point before them (late or out of order) are refused one by one: each is
reported on stderr with its line number and the rest are imported. The command exits
non-zero when any row was refused. --labels sets the series' labels; entity=KIND:NS/NAME ties
the series to a catalog entity.

Flags:
`

func runMetrics(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, metricsUsage)
		return nil
	}
	switch args[0] {
	case "import":
		return runMetricsImport(ctx, args[1:], env, stdout, stderr)
	}
	return usageError("unknown metrics command %q", args[0])
}

func runMetricsImport(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs, envErr := cfg.newFlagSet("metrics import", "", stderr, env, commandSettings["metrics import"]...)
	var series string
	var labels commaList
	fs.StringVar(&series, "series", "", "the series to append to (required)")
	fs.Var(&labels, "labels", "comma-separated k=v labels of the series")
	fs.Usage = func() {
		io.WriteString(stderr, metricsImportUsage)
		fs.PrintDefaults()
	}
	file, args := leadingArg(args)
	ser := anomaly.Series{Name: series}
	err := parseCommand(&cfg, fs, envErr, args, func() error {
		if err := oneArg(fs, "metrics import", "FILE", &file)(); err != nil {
			return err
		}
		ser.Name = series
		if series == "" {
			return usageError("metrics import needs --series NAME")
		}
		ser.Labels = map[string]string{}
		for _, kv := range labels {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return usageError("--labels %q: want k=v", kv)
			}
			ser.Labels[k] = v
		}
		if err := anomaly.ValidateSeries(&ser); err != nil {
			return usageError("%v", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("metrics import: %w", err)
	}
	defer f.Close()
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return fmt.Errorf("metrics import: %w", err)
	}
	defer a.Close()
	svc, err := a.anomalyService()
	if err != nil {
		return err
	}
	last, err := svc.LastPoint(ctx, ser.Name)
	if err != nil {
		return fmt.Errorf("metrics import: %w", err)
	}
	pts, problems, err := anomaly.ReadCSV(f, last)
	if err != nil {
		return fmt.Errorf("metrics import %s: %w", file, err)
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "%s:%d: %s\n", file, p.Line, p.Reason)
	}
	for start := 0; start < len(pts); start += anomaly.MaxPointsPerWrite {
		chunk := pts[start:min(start+anomaly.MaxPointsPerWrite, len(pts))]
		if err := svc.Ingest(ctx, ser, chunk); err != nil {
			return fmt.Errorf("metrics import: %d of %d points stored: %w", start, len(pts), err)
		}
	}
	found, err := svc.Anomalies(ctx, anomaly.AnomalyQuery{Series: ser.Name})
	if err != nil {
		return fmt.Errorf("metrics import: %w", err)
	}
	entity := "no entity"
	if len(found) > 0 && found[0].Entity != "" {
		entity = found[0].Entity
	} else if s, err := svc.Series(ctx, ser.Name); err == nil && s.Entity != "" {
		entity = s.Entity
	}
	fmt.Fprintf(stdout, "series %s (%s): %d points imported, %d rows refused, %d anomalies recorded\n", ser.Name, entity, len(pts), len(problems), len(found))
	if len(problems) > 0 {
		return fmt.Errorf("metrics import: %d rows of %s refused", len(problems), file)
	}
	return nil
}
