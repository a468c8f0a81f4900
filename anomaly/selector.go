package anomaly

import (
	"context"
	"strings"
)

// SelectorAnnotation is the catalog entity annotation that claims series for the entity:
// comma-separated key=value matchers, all of which a series must meet. The key series
// matches the series name, any other key the label of that name; for example
// "series=checkout_latency" or "service=checkout,env=prod".
const SelectorAnnotation = "nextportal.io/metrics-selector"

// MatchSelector reports whether series s meets the selector sel (see SelectorAnnotation).
// An empty or malformed selector matches nothing.
func MatchSelector(sel string, s Series) bool {
	parts := strings.Split(sel, ",")
	matched := 0
	for _, p := range parts {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return false
		}
		got, has := s.Labels[k]
		if k == "series" {
			got, has = s.Name, true
		}
		if !has || got != v {
			return false
		}
		matched++
	}
	return matched > 0
}

// Resolver finds the catalog entity whose SelectorAnnotation claims a series; "" when none.
type Resolver func(ctx context.Context, s Series) (string, error)
