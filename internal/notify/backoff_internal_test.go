package notify

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	o, err := New(nil, Options{Backoff: time.Second, MaxBackoff: 10 * time.Second, Jitter: func() float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second}, {5, 10 * time.Second}, {30, 10 * time.Second}} {
		if got := o.backoff(tc.attempt); got != tc.want {
			t.Errorf("backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
	// Full jitter takes off at most half.
	o.o.Jitter = func() float64 { return 0.999 }
	if got := o.backoff(2); got <= time.Second || got > 2*time.Second {
		t.Errorf("jittered backoff(2) = %v, want in (1s, 2s]", got)
	}
}
