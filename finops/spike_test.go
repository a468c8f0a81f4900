package finops_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
)

// demoDaily sums the demo history's EffectiveCost per application tag and day.
func demoDaily(t *testing.T, o demo.CostOptions) map[string][]float64 {
	t.Helper()
	var buf bytes.Buffer
	if _, err := demo.WriteCosts(&buf, o); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	first, _ := time.Parse(time.RFC3339, recs[1][col["ChargePeriodStart"]])
	out := map[string][]float64{}
	for _, r := range recs[1:] {
		var tags map[string]string
		if err := json.Unmarshal([]byte(r[col["Tags"]]), &tags); err != nil {
			t.Fatal(err)
		}
		day, _ := time.Parse(time.RFC3339, r[col["ChargePeriodStart"]])
		i := int(day.Sub(first).Hours() / 24)
		v, _ := strconv.ParseFloat(r[col["EffectiveCost"]], 64)
		s := out[tags["application"]]
		for len(s) <= i {
			s = append(s, 0)
		}
		s[i] += v
		out[tags["application"]] = s
	}
	return out
}

func TestDetectSpikesDemo(t *testing.T) {
	end := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	series := demoDaily(t, demo.CostOptions{End: end, Seed: 1})
	for app, y := range series {
		got := finops.DetectSpikes(y, 0, finops.SpikeOptions{})
		if app == "checkout-service" {
			if len(got) != 1 || got[0].Index != len(y)-4 {
				t.Errorf("checkout-service: spikes %+v, want one, 4 days before the end (index %d)", got, len(y)-4)
			}
			continue
		}
		if len(got) > 0 {
			t.Errorf("%q: spikes %+v in a history without any", app, got)
		}
	}
	quiet := demoDaily(t, demo.CostOptions{End: end, Seed: 1, Spike: &demo.Spike{}})
	if got := finops.DetectSpikes(quiet["checkout-service"], 0, finops.SpikeOptions{}); len(got) != 0 {
		t.Errorf("history without the spike: %+v", got)
	}
}

func TestSeasonalBaseline(t *testing.T) {
	y := make([]float64, 35)
	for i := range y {
		y[i] = float64(i%7) * 10
	}
	y[21] = 1000 // one outlier among the four weeks barely moves a median
	b := finops.SeasonalBaseline(y)
	if !math.IsNaN(b[27]) || b[28] != 0 || b[29] != 10 || b[34] != 60 {
		t.Errorf("baseline %v", b[27:])
	}
}
