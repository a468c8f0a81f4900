package finops_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/finops"
)

func sampleFile(t *testing.T) string {
	return filepath.Join(focusDir(t), "focus-sample-data", "FOCUS-1.0", "focus_sample.csv")
}

// checkAgainstReference compares the report's and the store's totals per provider and
// currency with the reference computed from the file.
func checkAgainstReference(t *testing.T, s *finops.Service, rep finops.ImportReport, want map[refKey][2]float64) {
	t.Helper()
	got := map[refKey][2]float64{}
	for _, pt := range rep.Totals {
		got[refKey{pt.Provider, pt.Currency}] = [2]float64{pt.BilledCost, pt.EffectiveCost}
	}
	if len(got) != len(want) {
		t.Errorf("report totals cover %v, want %v", got, want)
	}
	sums, err := s.Sums(systemContext(t), finops.DailyQuery{GroupBy: "provider"})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[refKey][2]float64{}
	for _, d := range sums {
		stored[refKey{d.Key, d.Currency}] = [2]float64{d.BilledCost, d.EffectiveCost}
	}
	for k, w := range want {
		for i, name := range []string{"BilledCost", "EffectiveCost"} {
			if !near(got[k][i], w[i]) {
				t.Errorf("report %s of %v = %.12f, want %.12f", name, k, got[k][i], w[i])
			}
			if !near(stored[k][i], w[i]) {
				t.Errorf("stored %s of %v = %.12f, want %.12f", name, k, stored[k][i], w[i])
			}
		}
	}
}

func TestImportFOCUSSample(t *testing.T) {
	s, db, _ := newTestService(t)
	path := sampleFile(t)
	rep := mustImport(t, s, path, finops.ImportOptions{})
	if rep.Rows != 1000 || rep.Accepted+rep.Rejected != rep.Rows {
		t.Fatalf("report rows = %d accepted %d rejected %d; want 1000 rows, each accepted or rejected", rep.Rows, rep.Accepted, rep.Rejected)
	}
	skip := map[int]bool{}
	for _, r := range rep.Rejects {
		if r.Line < 2 || r.Reason == "" {
			t.Errorf("reject %+v has no line or reason", r)
		}
		skip[r.Line] = true
	}
	if int64(len(rep.Rejects)) != rep.Rejected {
		t.Errorf("%d rejects listed, %d counted", len(rep.Rejects), rep.Rejected)
	}
	want := refTotals(t, path, finops.ImportOptions{}, skip)
	if len(want) != 3 {
		t.Errorf("reference has %d provider/currency pairs, want 3 (AWS, Microsoft, Oracle in USD): %v", len(want), want)
	}
	checkAgainstReference(t, s, rep, want)
	if len(rep.Scopes) < 3 {
		t.Errorf("scopes = %v, want at least one per provider", rep.Scopes)
	}

	// Re-importing changes nothing: same row and line totals, same daily series.
	ctx := systemContext(t)
	rows1, lines1, err := db.CostTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	daily1, err := s.Daily(ctx, finops.DailyQuery{GroupBy: "resource"})
	if err != nil {
		t.Fatal(err)
	}
	rep2 := mustImport(t, s, path, finops.ImportOptions{})
	if rep2.Accepted != rep.Accepted {
		t.Errorf("second import accepted %d, first %d", rep2.Accepted, rep.Accepted)
	}
	rows2, lines2, err := db.CostTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	daily2, err := s.Daily(ctx, finops.DailyQuery{GroupBy: "resource"})
	if err != nil {
		t.Fatal(err)
	}
	approx := cmp.Comparer(near)
	if d := cmp.Diff(rows1, rows2, approx); d != "" {
		t.Errorf("row totals changed on re-import (-first +second):\n%s", d)
	}
	if d := cmp.Diff(lines1, lines2, approx); d != "" {
		t.Errorf("line totals changed on re-import (-first +second):\n%s", d)
	}
	if d := cmp.Diff(daily1, daily2, approx); d != "" {
		t.Errorf("daily costs changed on re-import (-first +second):\n%s", d)
	}
}

func TestImportGzipEqualsPlain(t *testing.T) {
	s, _, _ := newTestService(t)
	raw, err := os.ReadFile(sampleFile(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	rep, err := s.Import(systemContext(t), &buf, finops.ImportOptions{})
	if err != nil {
		t.Fatalf("Import(gzip): %v", err)
	}
	checkAgainstReference(t, s, rep, refTotals(t, sampleFile(t), finops.ImportOptions{}, nil))
}

func TestImportSpecExamples(t *testing.T) {
	root := filepath.Join(focusDir(t), "focus-spec-examples")
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".csv") {
			files = append(files, p)
		}
		return err
	})
	if len(files) < 20 {
		t.Fatalf("found %d spec example files under %s, want the 26", len(files), root)
	}
	// Two examples hold a ChargePeriodEnd at hour 30, which is no time: those rows are
	// rejected with their line, and the totals are those of the other rows.
	wantRejects := map[string][]finops.Reject{
		"commitment_discount_purchase_scenario_2.csv": {{Line: 4, Reason: `ChargePeriodEnd: "2023-02-01T30:00:00Z" is not a timestamp`}},
		"commitment_discount_purchase_scenario_3.csv": {{Line: 5, Reason: `ChargePeriodEnd: "2023-02-01T30:00:00Z" is not a timestamp`}},
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			s, _, _ := newTestService(t)
			// The commitment examples carry no provider, account or currency columns.
			o := finops.ImportOptions{Provider: "example", Currency: "USD"}
			rep := mustImport(t, s, path, o)
			if d := cmp.Diff(wantRejects[name], rep.Rejects); d != "" || rep.Accepted == 0 {
				t.Fatalf("accepted %d; rejects (-want +got):\n%s", rep.Accepted, d)
			}
			skip := map[int]bool{}
			for _, r := range rep.Rejects {
				skip[r.Line] = true
			}
			checkAgainstReference(t, s, rep, refTotals(t, path, o, skip))
		})
	}
}

func TestImportAllocationIsExhaustive(t *testing.T) {
	s, db, _ := newTestService(t)
	mustImport(t, s, sampleFile(t), finops.ImportOptions{})
	ctx := systemContext(t)
	rowTotals, _, err := db.CostTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, by := range []string{"entity", "owner", "system", "domain"} {
		sums, err := s.Sums(ctx, finops.DailyQuery{GroupBy: by})
		if err != nil {
			t.Fatal(err)
		}
		per := map[string][2]float64{}
		var unallocated bool
		for _, d := range sums {
			v := per[d.Currency]
			v[0] += d.BilledCost
			v[1] += d.EffectiveCost
			per[d.Currency] = v
			unallocated = unallocated || d.Key == ""
		}
		if !unallocated {
			t.Errorf("by %s: no unallocated bucket", by)
		}
		for _, rt := range rowTotals {
			if cents(per[rt.Currency][0]) != cents(rt.BilledCost) || cents(per[rt.Currency][1]) != cents(rt.EffectiveCost) {
				t.Errorf("by %s in %s: allocated+unallocated = %v, imported %v", by, rt.Currency, per[rt.Currency], rt)
			}
		}
	}
	// Rows tagged application=BrightPathMatrix roll up to the component's owner, system and domain.
	want := 0.0
	for k, v := range refTagTotals(t, sampleFile(t), "application", "BrightPathMatrix") {
		_ = k
		want += v
	}
	for _, f := range []map[string]string{
		{"entity": "component:default/brightpathmatrix"},
		{"owner": "group:default/finance-ai"},
		{"system": "system:default/matrix"},
		{"domain": "domain:default/analytics"},
	} {
		sums, err := s.Sums(ctx, finops.DailyQuery{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 1 || !near(sums[0].EffectiveCost, want) {
			t.Errorf("Sums(%v) = %+v, want EffectiveCost %.12f", f, sums, want)
		}
	}
	// The annotation claims business_unit=LipaData and application=ZoomMapMax for map-tiles.
	wantMap := refTagTotals(t, sampleFile(t), "business_unit", "LipaData")["all"] + refTagTotals(t, sampleFile(t), "application", "ZoomMapMax")["all"]
	sums, err := s.Sums(ctx, finops.DailyQuery{Filter: map[string]string{"entity": "component:default/map-tiles"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || !near(sums[0].EffectiveCost, wantMap) {
		t.Errorf("map-tiles = %+v, want EffectiveCost %.12f", sums, wantMap)
	}
}

func TestImportMalformed(t *testing.T) {
	header := "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ProviderName,BillingAccountId,Tags\n"
	tests := []struct {
		name        string
		body        string
		wantErr     string // an ErrInvalid naming this, or "" for a report
		wantRejects []finops.Reject
		accepted    int64
	}{
		{name: "empty", body: "", wantErr: "empty"},
		{name: "not focus", body: "a,b,c\n1,2,3\n", wantErr: "missing column(s) BilledCost"},
		{name: "bad gzip", body: "\x1f\x8bnot really gzip", wantErr: "gzip"},
		{name: "endless line", body: header + "1," + strings.Repeat("x", finops.MaxLineBytes+1), wantErr: "longer than"},
		{name: "bad rows", body: header +
			"1.5,1.0,USD,2024-09-01T00:00:00Z,AWS,1,NULL\n" +
			"abc,1.0,USD,2024-09-01 00:00:00,AWS,1,NULL\n" +
			"1.0,1.0,USD,yesterday,AWS,1,NULL\n" +
			"1.0,1.0,USD,2024-09-01,AWS,1,{not json}\n" +
			"1.0,1.0,USD,2024-09-01,AWS\n" +
			"1.0,1.0,NULL,2024-09-01,AWS,1,NULL\n" +
			"-2.25,-2.25,EUR,2024-09-02 10:00:00.123,Azure,2,\"{\"\"team\"\":\"\"maps-team\"\"}\"\n",
			accepted: 2,
			wantRejects: []finops.Reject{
				{Line: 3, Reason: `BilledCost: "abc" is not a number`},
				{Line: 4, Reason: `ChargePeriodStart: "yesterday" is not a timestamp`},
				{Line: 5, Reason: "Tags: not a JSON object"},
				{Line: 6, Reason: "has 5 fields, the header 7"},
				{Line: 7, Reason: "BillingCurrency is missing"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, db, _ := newTestService(t)
			mustImport(t, s, filepath.Join(focusDir(t), "focus-spec-examples/specification/data/saas_examples/simple_agreements/simple_saas_agreements_c.csv"), finops.ImportOptions{})
			before, _, err := db.CostTotals(systemContext(t))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.Import(systemContext(t), strings.NewReader(tt.body), finops.ImportOptions{})
			if tt.wantErr != "" {
				if !errors.Is(err, finops.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Import error = %v, want ErrInvalid with %q", err, tt.wantErr)
				}
				after, _, err := db.CostTotals(systemContext(t))
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(before, after); d != "" {
					t.Errorf("a refused file changed the store (-before +after):\n%s", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != tt.accepted {
				t.Errorf("accepted %d, want %d", rep.Accepted, tt.accepted)
			}
			if d := cmp.Diff(tt.wantRejects, rep.Rejects); d != "" {
				t.Errorf("rejects (-want +got):\n%s", d)
			}
		})
	}
}
