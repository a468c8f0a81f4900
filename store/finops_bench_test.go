package store_test

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// Shape of the generated FOCUS file: a year of daily rows of benchResources resources,
// owned by costBenchComponents components of costBenchTeams teams; one resource in ten untagged.
const (
	costBenchTeams      = 8
	costBenchComponents = 40
	costBenchDays       = 365
)

var costBenchT0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// benchCostRows is how many rows the import benchmark generates (PORTAL_BENCH_COST_ROWS,
// default 1,000,000).
func benchCostRows(b *testing.B) int {
	if v := os.Getenv("PORTAL_BENCH_COST_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < costBenchDays {
			b.Fatalf("PORTAL_BENCH_COST_ROWS=%q: want a number of at least %d", v, costBenchDays)
		}
		return n
	}
	return 1_000_000
}

// writeBenchFOCUS writes rows FOCUS 1.0 rows: every day of a year, rows/365 resources of
// two providers (AWS in USD, Azure in EUR), with the sample's quirks (NULL, timestamps
// without T, JSON tags with doubled quotes).
func writeBenchFOCUS(b *testing.B, rows int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "focus.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,ServiceName,ServiceCategory,ResourceId,RegionId,SubAccountId,Tags")
	resources := rows / costBenchDays
	services := []string{"Amazon EC2", "Amazon RDS", "Amazon S3", "AWS Lambda", "Virtual Machines", "Storage"}
	n := 0
	for d := 0; n < rows; d++ {
		day := costBenchT0.AddDate(0, 0, d%costBenchDays)
		month := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
		for r := 0; r < resources && n < rows; r++ {
			provider, currency, svc := "AWS", "USD", services[r%4]
			if r%5 == 4 {
				provider, currency, svc = "Microsoft", "EUR", services[4+r%2]
			}
			tags := "NULL"
			if r%10 != 9 {
				tags = fmt.Sprintf(`"{""application"": ""component-%02d"", ""team"": ""team-%d"", ""env"": ""prod""}"`, r%costBenchComponents, r%costBenchTeams)
			}
			cost := float64(1+r%17) * (1 + 0.1*float64(d%7)) / 3
			fmt.Fprintf(w, "%.6f,%.6f,%.6f,%s,acct-%d,%s,%s,%s,%s,Usage,%s,%s,Compute,res-%05d,eu-west-1,sub-%d,%s\n",
				cost, cost*0.9, cost*1.1, currency, r%3, month.Format(time.DateTime), month.AddDate(0, 1, 0).Format(time.DateTime),
				day.Format(time.DateTime), day.AddDate(0, 0, 1).Format(time.DateTime), provider, svc, r, r%7, tags)
			n++
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// newBenchFinOps is a finops service over db whose catalog has the generated teams and
// components.
func newBenchFinOps(b *testing.B, db *store.DB) *finops.Service {
	b.Helper()
	dir := b.TempDir()
	var yaml []byte
	for t := range costBenchTeams {
		yaml = fmt.Appendf(yaml, "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-%d\nspec:\n  type: team\n  children: []\n", t)
	}
	for c := range costBenchComponents {
		yaml = fmt.Appendf(yaml, "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: component-%02d\nspec:\n  type: service\n  lifecycle: production\n  owner: team-%d\n", c, c%costBenchTeams)
	}
	path := filepath.Join(dir, "catalog-info.yaml")
	if err := os.WriteFile(path, yaml, 0o600); err != nil {
		b.Fatal(err)
	}
	cat := catalog.NewService(db, []string{dir})
	if _, _, err := cat.Import(auth.NewContext(b.Context(), auth.System()), path); err != nil {
		b.Fatal(err)
	}
	return finops.NewService(db, finops.ServiceOptions{Catalog: finops.CatalogOf(cat), Logger: slog.New(slog.DiscardHandler)})
}

// peakHeap samples the heap in use every 50 ms until stop is called, and returns the peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
	}
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		sample()
		return peak.Load()
	}
}

// BenchmarkFinOpsImport imports a generated FOCUS file of a million rows (a year of daily
// costs) into an empty store, reporting rows/s and the peak heap during the import.
func BenchmarkFinOpsImport(b *testing.B) {
	rows := benchCostRows(b)
	file := writeBenchFOCUS(b, rows)
	for _, e := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(e.name, func(b *testing.B) {
			svc := newBenchFinOps(b, e.open(b))
			ctx := auth.NewContext(b.Context(), auth.System())
			for b.Loop() {
				f, err := os.Open(file)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := peakHeap()
				start := time.Now()
				rep, err := svc.Import(ctx, f, finops.ImportOptions{})
				elapsed := time.Since(start)
				peak := stop()
				f.Close()
				if err != nil || rep.Accepted != int64(rows) {
					b.Fatalf("import: %v, accepted %d of %d", err, rep.Accepted, rows)
				}
				b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			}
		})
	}
}

// BenchmarkFinOpsShowback asks for a team's showback of a month and its daily costs over a
// year, over a year of daily data (PORTAL_BENCH_SHOWBACK_ROWS rows, default 100,000).
func BenchmarkFinOpsShowback(b *testing.B) {
	rows := 100_000
	if v := os.Getenv("PORTAL_BENCH_SHOWBACK_ROWS"); v != "" {
		var err error
		if rows, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	file := writeBenchFOCUS(b, rows)
	for _, e := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(e.name, func(b *testing.B) {
			svc := newBenchFinOps(b, e.open(b))
			ctx := auth.NewContext(b.Context(), auth.System())
			f, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			if _, err := svc.Import(ctx, f, finops.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			month := finops.Period{From: costBenchT0.AddDate(0, 11, 0), To: costBenchT0.AddDate(1, 0, 0)}
			b.Run("showback-month", func(b *testing.B) {
				for b.Loop() {
					sb, err := svc.Showback(ctx, "group:default/team-3", month)
					if err != nil || len(sb.ByService) == 0 {
						b.Fatalf("showback: %v, %+v", err, sb)
					}
				}
			})
			b.Run("daily-year", func(b *testing.B) {
				for b.Loop() {
					d, err := svc.Daily(ctx, finops.DailyQuery{GroupBy: "service", Filter: map[string]string{"owner": "group:default/team-3"},
						From: costBenchT0, To: costBenchT0.AddDate(1, 0, 0)})
					if err != nil || len(d) < costBenchDays {
						b.Fatalf("daily: %v, %d rows", err, len(d))
					}
				}
			})
		})
	}
}
