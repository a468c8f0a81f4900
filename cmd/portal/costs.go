package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nextportal/portal/finops"
)

const costsUsage = `Usage: portal costs <command> [flags]

Commands:
  import FILE [--provider P] [--account A] [--currency C]   import a FOCUS CSV (plain or gzip)
  reallocate                                                recompute every row's allocation
`

const costsImportUsage = `Usage: portal costs import FILE [--provider P] [--account A] [--currency C]

Imports a FOCUS 1.x cost export (CSV, plain or gzip-compressed) as a stream. For every
provider, billing account and billing period in the file, the rows stored before are
replaced in one transaction, so importing a file again changes nothing. Rows that cannot be
read are reported on stderr with their line number and reason (the first 100; all are
counted) and the others are imported; the command then exits non-zero. --provider,
--account and --currency stand in for columns the file lacks.

Flags:
`

func runCosts(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, costsUsage)
		return nil
	}
	switch args[0] {
	case "import":
		return runCostsImport(ctx, args[1:], env, stdout, stderr)
	case "reallocate":
		return runCostsReallocate(ctx, args[1:], env, stdout, stderr)
	}
	return usageError("unknown costs command %q", args[0])
}

func runCostsImport(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs, envErr := cfg.newFlagSet("costs import", "", stderr, env, commandSettings["costs import"]...)
	var o finops.ImportOptions
	fs.StringVar(&o.Provider, "provider", "", "provider of rows without ProviderName")
	fs.StringVar(&o.BillingAccountID, "account", "", "billing account of rows without BillingAccountId")
	fs.StringVar(&o.Currency, "currency", "", "currency of rows without BillingCurrency")
	fs.Usage = func() {
		io.WriteString(stderr, costsImportUsage)
		fs.PrintDefaults()
	}
	file, args := leadingArg(args)
	err := parseCommand(&cfg, fs, envErr, args, oneArg(fs, "costs import", "FILE", &file))
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("costs import: %w", err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return fmt.Errorf("costs import: %w", err)
	}
	defer a.Close()
	svc, err := a.finopsService()
	if err != nil {
		return err
	}
	line := newLiveLine(stderr, 200*time.Millisecond, 5*time.Second)
	start := time.Now()
	o.Progress = func(read, rows int64) {
		line.show(importProgress(read, size, rows, time.Since(start)), false)
	}
	rep, err := svc.Import(operatorContext(ctx), f, o)
	line.clear()
	if err != nil {
		return fmt.Errorf("costs import %s: %w", file, err)
	}
	for _, r := range rep.Rejects {
		fmt.Fprintf(stderr, "%s:%d: %s\n", file, r.Line, r.Reason)
	}
	if more := rep.Rejected - int64(len(rep.Rejects)); more > 0 {
		fmt.Fprintf(stderr, "%s: %d more rows rejected\n", file, more)
	}
	fmt.Fprintf(stdout, "%s: %d rows imported, %d rejected, %d billing periods replaced, in %s\n",
		file, rep.Accepted, rep.Rejected, len(rep.Scopes), time.Since(start).Round(time.Millisecond))
	for _, t := range rep.Totals {
		fmt.Fprintf(stdout, "  %-20s %s  billed %.2f  effective %.2f\n", t.Provider, t.Currency, t.BilledCost, t.EffectiveCost)
	}
	for _, t := range rep.Unallocated {
		fmt.Fprintf(stdout, "  unallocated          %s  effective %.2f\n", t.Currency, t.EffectiveCost)
	}
	if rep.Rejected > 0 {
		return fmt.Errorf("costs import: %d rows of %s rejected", rep.Rejected, file)
	}
	return nil
}

// importProgress is the progress line: how much of the file is read, and the pace.
func importProgress(read, size, rows int64, elapsed time.Duration) string {
	rate := float64(rows) / max(elapsed.Seconds(), 0.001)
	if size > 0 {
		pct := min(100, 100*float64(read)/float64(size))
		const width = 30
		bar := strings.Repeat("=", int(pct*width/100)) + strings.Repeat(" ", width-int(pct*width/100))
		return fmt.Sprintf("[%s] %5.1f%%  %d rows  %.0f rows/s", bar, pct, rows, rate)
	}
	return fmt.Sprintf("%d rows  %.0f rows/s", rows, rate)
}

func runCostsReallocate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs, envErr := cfg.newFlagSet("costs reallocate", "costs reallocate", stderr, env, commandSettings["costs reallocate"]...)
	if err := parseCommand(&cfg, fs, envErr, args, func() error {
		if fs.NArg() > 0 {
			return usageError("costs reallocate takes no arguments")
		}
		return nil
	}); err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return fmt.Errorf("costs reallocate: %w", err)
	}
	defer a.Close()
	svc, err := a.finopsService()
	if err != nil {
		return err
	}
	if err := svc.Reallocate(operatorContext(ctx)); err != nil {
		return fmt.Errorf("costs reallocate: %w", err)
	}
	fmt.Fprintln(stdout, "costs reallocated")
	return nil
}
