package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkMetricsPush measures points ingested per second over real HTTP through
// POST /api/v1/metrics, 1,000 points a request, each request stored and scored before it is
// answered (on PostgreSQL when DATABASE_URL is set, else SQLite).
func BenchmarkMetricsPush(b *testing.B) {
	gin.SetMode(gin.TestMode)
	db := storetest.New(b)
	svc, err := anomaly.NewService(db, anomaly.ServiceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api.NewServer(api.Deps{Catalog: catalog.NewService(db, nil), Demo: true, Anomaly: svc,
		Logger: slog.New(slog.DiscardHandler), MaxBodyBytes: 1 << 22}))
	b.Cleanup(srv.Close)
	const per = 1000
	b.ResetTimer()
	for i := range b.N {
		resp, err := http.Post(srv.URL+"/api/v1/metrics", "application/json", strings.NewReader(pushBody("bench", i*per, per, wave)))
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("push: %d %s", resp.StatusCode, body)
		}
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "points/s")
}
