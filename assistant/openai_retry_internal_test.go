package assistant

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	base := 100 * time.Millisecond
	tests := []struct {
		name       string
		n          int
		retryAfter string
		lo, hi     time.Duration // inclusive bounds
	}{
		{"first backoff", 0, "", 50 * time.Millisecond, 100 * time.Millisecond},
		{"third backoff doubles twice", 2, "", 200 * time.Millisecond, 400 * time.Millisecond},
		{"Retry-After seconds", 0, "3", 3 * time.Second, 3 * time.Second},
		{"Retry-After zero", 3, "0", 0, 0},
		{"Retry-After date", 0, now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second, 5 * time.Second},
		{"Retry-After date in the past", 0, now.Add(-time.Hour).Format(http.TimeFormat), 0, 0},
		{"Retry-After capped", 0, "86400", maxRetryAfter, maxRetryAfter},
		{"Retry-After garbage falls back", 1, "soon", 100 * time.Millisecond, 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // the jitter is random: try a few draws
				if got := retryDelay(base, tt.n, tt.retryAfter, now); got < tt.lo || got > tt.hi {
					t.Fatalf("retryDelay(%v, %d, %q) = %v, want in [%v, %v]", base, tt.n, tt.retryAfter, got, tt.lo, tt.hi)
				}
			}
		})
	}
}
