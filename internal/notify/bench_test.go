package notify_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkDeliveries measures signed webhook deliveries to a local receiver through the
// persisted outbox: enqueue, claim, send, record.
func BenchmarkDeliveries(b *testing.B) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer srv.Close()
	for _, e := range []string{"sqlite", "postgres"} {
		b.Run(e, func(b *testing.B) {
			db := storetest.SQLite(b)
			if e == "postgres" {
				db = storetest.Postgres(b)
			}
			o, err := notify.New(db, notify.Options{Logger: slog.New(slog.DiscardHandler), Batch: 100,
				Channels: []notify.Channel{{Name: "webhook", Kind: notify.KindWebhook, URL: srv.URL, Secret: "s"}}})
			if err != nil {
				b.Fatal(err)
			}
			got.Store(0)
			b.ResetTimer()
			for i := range b.N {
				if err := o.Enqueue(b.Context(), message(fmt.Sprintf("bench:%s:%d", e, i))); err != nil {
					b.Fatal(err)
				}
			}
			for sent := 0; sent < b.N; {
				n, err := o.Deliver(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				sent += n
			}
			b.StopTimer()
			if int(got.Load()) != b.N {
				b.Fatalf("receiver got %d of %d", got.Load(), b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}
