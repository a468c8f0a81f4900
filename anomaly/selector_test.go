package anomaly_test

import (
	"testing"

	"github.com/nextportal/portal/anomaly"
)

func TestMatchSelector(t *testing.T) {
	s := anomaly.Series{Name: "checkout_latency", Labels: map[string]string{"service": "checkout", "env": "prod"}}
	for _, tc := range []struct {
		sel  string
		want bool
	}{
		{"series=checkout_latency", true},
		{"service=checkout", true},
		{"service=checkout, env=prod", true},
		{"service=checkout,env=dev", false},
		{"series=other", false},
		{"team=x", false},
		{"", false},
		{"service", false},
		{"=checkout", false},
	} {
		if got := anomaly.MatchSelector(tc.sel, s); got != tc.want {
			t.Errorf("MatchSelector(%q) = %v, want %v", tc.sel, got, tc.want)
		}
	}
}
