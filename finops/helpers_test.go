package finops_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/testenv"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// focusDir is the shared FOCUS data, skipping (or failing under CI) when it is absent.
func focusDir(t *testing.T) string {
	t.Helper()
	return testenv.Dir(t, "PORTAL_FOCUS_DATA", "../../shared/data/focus")
}

func systemContext(t *testing.T) context.Context {
	return auth.NewContext(t.Context(), auth.System())
}

// newTestService returns a finops service over a fresh real store whose catalog holds
// testdata/catalog.
func newTestService(t *testing.T) (*finops.Service, *store.DB, *catalog.Service) {
	t.Helper()
	s, db, cat, _ := newTestServiceAt(t)
	return s, db, cat
}

// newTestServiceAt is newTestService that also returns the catalog's root folder.
func newTestServiceAt(t *testing.T) (*finops.Service, *store.DB, *catalog.Service, string) {
	t.Helper()
	db := storetest.New(t)
	root := t.TempDir()
	raw, err := os.ReadFile("testdata/catalog/catalog-info.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "catalog-info.yaml"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewService(db, []string{root})
	if _, _, err := cat.Import(systemContext(t), filepath.Join(root, "catalog-info.yaml")); err != nil {
		t.Fatalf("import test catalog: %v", err)
	}
	return finops.NewService(db, finops.ServiceOptions{Catalog: finops.CatalogOf(cat), Logger: slog.New(slog.DiscardHandler)}), db, cat, root
}

func mustImport(t *testing.T, s *finops.Service, path string, o finops.ImportOptions) finops.ImportReport {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := s.Import(systemContext(t), f, o)
	if err != nil {
		t.Fatalf("Import(%s): %v", path, err)
	}
	return rep
}

// refTotals is the independent reference: BilledCost and EffectiveCost per provider and
// currency summed straight from the file with encoding/csv, skipping the lines in skip.
type refKey struct{ provider, currency string }

func refTotals(t *testing.T, path string, o finops.ImportOptions, skip map[int]bool) map[refKey][2]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimPrefix(h, "\ufeff")] = i
	}
	field := func(rec []string, names ...string) string {
		for _, n := range names {
			if i, ok := idx[n]; ok {
				return rec[i]
			}
		}
		return ""
	}
	money := strings.NewReplacer("$", "", ",", "", " ", "")
	amount := func(s string) float64 {
		x, err := strconv.ParseFloat(money.Replace(s), 64)
		if err != nil {
			t.Fatalf("reference: amount %q: %v", s, err)
		}
		return x
	}
	out := map[refKey][2]float64{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if line, _ := r.FieldPos(0); skip[line] {
			continue
		}
		k := refKey{field(rec, "ServiceProviderName", "ProviderName"), field(rec, "BillingCurrency")}
		if k.provider == "" || strings.EqualFold(k.provider, "null") {
			k.provider = o.Provider
		}
		if k.currency == "" {
			k.currency = o.Currency
		}
		v := out[k]
		v[0] += amount(field(rec, "BilledCost"))
		v[1] += amount(field(rec, "EffectiveCost"))
		out[k] = v
	}
	return out
}

// cents compares amounts to the cent.
func cents(x float64) int64 { return int64(math.Round(x * 100)) }

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) }

// refTagTotals sums EffectiveCost of the rows whose Tags JSON has key=value, under "all".
func refTagTotals(t *testing.T, path, key, value string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var tagsAt, effAt int
	for i, h := range header {
		switch h {
		case "Tags":
			tagsAt = i
		case "EffectiveCost":
			effAt = i
		}
	}
	out := map[string]float64{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var tags map[string]any
		if json.Unmarshal([]byte(rec[tagsAt]), &tags) != nil || tags[key] != value {
			continue
		}
		x, err := strconv.ParseFloat(rec[effAt], 64)
		if err != nil {
			t.Fatal(err)
		}
		out["all"] += x
	}
}
