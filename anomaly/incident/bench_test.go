package incident_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkFoldAnomalies measures anomalies/s folded into incidents: bursts of 100
// anomalies on 10 series, each burst one incident updated in place.
func BenchmarkFoldAnomalies(b *testing.B) {
	db := storetest.New(b)
	svc := incident.NewService(db, catalog.NewService(db, nil), incident.Options{})
	ctx := b.Context()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const series, burst = 10, 100
	for s := range series {
		name := fmt.Sprintf("bench_%d", s)
		if err := db.PutSeries(ctx, anomaly.Series{Name: name, Entity: "component:default/x"}); err != nil {
			b.Fatal(err)
		}
	}
	folded := 0
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for s := range series {
			name := fmt.Sprintf("bench_%d", s)
			pts := make([]anomaly.Point, burst)
			for j := range pts {
				pts[j] = anomaly.Point{T: t0.Add(time.Duration(i*burst+j) * time.Minute), V: float64(j)}
			}
			if err := db.AppendPoints(ctx, name, pts); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Score(ctx, name, 0, func(ser anomaly.Series, _ time.Time, _ func() ([]anomaly.Point, error), pending []anomaly.Point) ([]anomaly.Anomaly, error) {
				out := make([]anomaly.Anomaly, len(pending))
				for k, p := range pending {
					out[k] = anomaly.Anomaly{Series: ser.Name, Entity: ser.Entity, Detector: "bench", At: p.T, Value: p.V, Score: 0.99}
				}
				return out, nil
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		n, err := svc.FoldAnomalies(ctx)
		if err != nil || n != series*burst {
			b.Fatalf("FoldAnomalies = %d, %v", n, err)
		}
		folded += n
	}
	b.ReportMetric(float64(folded)/b.Elapsed().Seconds(), "anomalies/s")
}
