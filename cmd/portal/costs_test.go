package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/internal/testenv"
)

func TestCostsImport(t *testing.T) {
	sample := filepath.Join(testenv.Dir(t, "PORTAL_FOCUS_DATA", "../../../shared/data/focus"), "focus-sample-data", "FOCUS-1.0", "focus_sample.csv")
	env := map[string]string{"PORTAL_DATA_DIR": t.TempDir()}
	for range 2 {
		stdout, _, err := runEvalCLI(t, env, "costs", "import", sample)
		if err != nil {
			t.Fatalf("costs import: %v", err)
		}
		for _, want := range []string{"focus_sample.csv: 1000 rows imported, 0 rejected", "AWS", "Microsoft", "Oracle", "unallocated"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	body := "BilledCost,ChargePeriodStart,BillingCurrency\n1,2026-01-01,USD\nx,2026-01-01,USD\n"
	if err := os.WriteFile(bad, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runEvalCLI(t, env, "costs", "import", bad)
	if err == nil || !strings.Contains(err.Error(), "1 rows of") || !strings.Contains(stderr, `bad.csv:3: BilledCost: "x" is not a number`) ||
		!strings.Contains(stdout, "1 rows imported, 1 rejected") {
		t.Errorf("import with a bad row: err %v\nstdout %s\nstderr %s", err, stdout, stderr)
	}
	for _, args := range [][]string{
		{"costs", "import"},
		{"costs", "import", filepath.Join(t.TempDir(), "missing.csv")},
		{"costs", "import", sample, "extra"},
		{"costs", "nope"},
	} {
		if _, _, err := runEvalCLI(t, env, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if _, _, err := runEvalCLI(t, env, "costs", "reallocate"); err != nil {
		t.Errorf("costs reallocate: %v", err)
	}
}
