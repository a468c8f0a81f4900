package indexer

import (
	"maps"
	"math"
	"testing"
)

func TestRescale(t *testing.T) {
	tests := []struct {
		name  string
		in    map[string]float64
		cands []string
		want  map[string]float64
	}{
		{"spread", map[string]float64{"a": 0.2, "b": 0.6, "c": 0.4}, []string{"a", "b", "c"},
			map[string]float64{"a": 0, "b": 1, "c": 0.5}},
		{"missing candidate counts as 0", map[string]float64{"a": 0.5, "b": 1}, []string{"a", "b", "c"},
			map[string]float64{"a": 0.5, "b": 1, "c": 0}},
		{"all equal: unchanged", map[string]float64{"a": 0.3, "b": 0.3}, []string{"a", "b"},
			map[string]float64{"a": 0.3, "b": 0.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := maps.Clone(tt.in)
			rescale(got, tt.cands)
			for k, w := range tt.want {
				if d := got[k] - w; d > 1e-12 || d < -1e-12 {
					t.Errorf("rescale(%v)[%s] = %v, want %v", tt.in, k, got[k], w)
				}
			}
		})
	}
}

func TestLatentWeight(t *testing.T) {
	lo, hi, w, ov := tuning.latentLo, tuning.latentHi, tuning.latentWeight, tuning.latentOverlap
	tests := []struct {
		name               string
		agreement, overlap float64
		want               float64
	}{
		{"below the ramp", lo - 0.1, 1, 0},
		{"at its start", lo, 1, 0},
		{"halfway up", (lo + hi) / 2, 1, w / 2},
		{"at its top", hi, 1, w},
		{"above it", hi + 0.2, 1, w},
		{"lists share enough", hi, ov, w},
		{"lists share too little", hi, ov - 0.1, 0},
		{"lists share nothing", hi + 0.2, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := latentWeight(tt.agreement, tt.overlap); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("latentWeight(%v, %v) = %v, want %v", tt.agreement, tt.overlap, got, tt.want)
			}
		})
	}
}
