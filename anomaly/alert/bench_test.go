package alert_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkAlertsThroughRules measures incidents turned into alerts through the default
// rule, grouping, enrichment and the outbox write. Incidents arrive 50 at a time, and
// each grows in 10 changes with an engine step after each round: the first opens its
// alert with its one message, the other nine update it in place. alerts/s counts alerts
// opened, changes/s the incident changes consumed.
func BenchmarkAlertsThroughRules(b *testing.B) {
	f := newBenchFixture(b, storetest.SQLite(b))
	const batch, rounds = 50, 10
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		for r := 1; r <= rounds; r++ {
			for j := i; j < min(i+batch, b.N); j++ {
				inc := spike(fmt.Sprintf("inc-b%d", j), r)
				inc.UpdatedAt = t0.Add(time.Duration(r) * time.Second)
				f.feed.put(inc)
			}
			if err := f.svc.Step(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	if n := len(f.keys(b)); n != b.N {
		b.Fatalf("%d messages for %d incidents", n, b.N)
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/s, "alerts/s")
	b.ReportMetric(float64(b.N*rounds)/s, "changes/s")
}
