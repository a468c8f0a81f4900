package demo

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"
	"time"
)

func TestWriteCosts(t *testing.T) {
	end := time.Date(2026, 12, 2, 15, 4, 0, 0, time.UTC)
	var a, b bytes.Buffer
	n, err := WriteCosts(&a, CostOptions{End: end, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteCosts(&b, CostOptions{End: end, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same options wrote different bytes")
	}
	recs, err := csv.NewReader(bytes.NewReader(a.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs)-1 != n {
		t.Fatalf("WriteCosts said %d rows, file has %d", n, len(recs)-1)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	days := map[string]bool{}
	untagged := 0
	spikeDay := "2026-11-28T00:00:00Z"
	var spiked, before float64
	for _, r := range recs[1:] {
		days[r[col["ChargePeriodStart"]]] = true
		if r[col["Tags"]] == "{}" {
			untagged++
		}
		if r[col["ResourceId"]] == Spiked {
			v, err := strconv.ParseFloat(r[col["BilledCost"]], 64)
			if err != nil {
				t.Fatal(err)
			}
			switch r[col["ChargePeriodStart"]] {
			case spikeDay:
				spiked = v
			case "2026-11-21T00:00:00Z":
				before = v
			}
		}
	}
	if len(days) != 365 || !days["2026-12-01T00:00:00Z"] || days["2026-12-02T00:00:00Z"] {
		t.Errorf("history covers %d days; want the 365 before 2026-12-02", len(days))
	}
	if untagged < 365 {
		t.Errorf("%d untagged rows, want the untagged resources every day", untagged)
	}
	if spiked < 4*before || before == 0 {
		t.Errorf("spike day %.2f vs a week before %.2f: want the default ×6 spike", spiked, before)
	}
	var none bytes.Buffer
	if _, err := WriteCosts(&none, CostOptions{End: end, Seed: 1, Spike: &Spike{}}); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(none.Bytes(), a.Bytes()) {
		t.Error("Spike{} (no spike) wrote the spiked history")
	}
}
