package evals_test

import (
	"math"
	"testing"

	"github.com/nextportal/portal/evals"
)

func TestMetrics(t *testing.T) {
	// One query: b (grade 2) and c (grade 1) are found at ranks 2 and 3; e (grade 2) is
	// never found; a is judged not relevant; z is unjudged.
	graded := map[string]int{"a": 0, "b": 2, "c": 1, "e": 2}
	tests := []struct {
		name             string
		ranked           []string
		judged           map[string]int
		k                int
		ndcg, recall, rr float64
	}{
		{
			name:   "graded, cut at 3",
			ranked: []string{"a", "b", "c", "d"},
			judged: graded,
			k:      3,
			// DCG = 2/log2(3) + 1/log2(4); ideal = 2/log2(2) + 2/log2(3) + 1/log2(4).
			ndcg:   0.4683480347412084,
			recall: 2.0 / 3,
			rr:     0.5,
		},
		{
			name:   "cut at 1 misses everything",
			ranked: []string{"a", "b", "c"},
			judged: graded,
			k:      1,
			ndcg:   0, recall: 0, rr: 0,
		},
		{
			name:   "perfect ranking",
			ranked: []string{"b", "e", "c", "a"},
			judged: graded,
			k:      10,
			ndcg:   1, recall: 1, rr: 1,
		},
		{
			name:   "unjudged first",
			ranked: []string{"z", "x"},
			judged: map[string]int{"x": 1},
			k:      10,
			// DCG = 1/log2(3); ideal = 1.
			ndcg:   0.6309297535714575,
			recall: 1,
			rr:     0.5,
		},
		{
			name:   "ideal holds only k judgments",
			ranked: []string{"x"},
			judged: map[string]int{"x": 1, "y": 1, "w": 1},
			k:      1,
			ndcg:   1, recall: 1.0 / 3, rr: 1,
		},
		{
			name:   "grades out of order",
			ranked: []string{"lo", "z", "hi"},
			judged: map[string]int{"hi": 2, "lo": 1},
			k:      10,
			// DCG = 1/log2(2) + 2/log2(4) = 2; ideal = 2/log2(2) + 1/log2(3).
			ndcg:   2 / (2 + 1/math.Log2(3)),
			recall: 1,
			rr:     1,
		},
		{
			name:   "no relevant judgment",
			ranked: []string{"a"},
			judged: map[string]int{"a": 0},
			k:      10,
			ndcg:   0, recall: 0, rr: 0,
		},
		{
			name:   "no results",
			ranked: nil,
			judged: graded,
			k:      10,
			ndcg:   0, recall: 0, rr: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := evals.NDCG(tt.ranked, tt.judged, tt.k); !near(got, tt.ndcg) {
				t.Errorf("NDCG(%v, k=%d) = %.6f, want %.6f", tt.ranked, tt.k, got, tt.ndcg)
			}
			if got := evals.Recall(tt.ranked, tt.judged, tt.k); !near(got, tt.recall) {
				t.Errorf("Recall(%v, k=%d) = %.6f, want %.6f", tt.ranked, tt.k, got, tt.recall)
			}
			if got := evals.MRR(tt.ranked, tt.judged, tt.k); !near(got, tt.rr) {
				t.Errorf("MRR(%v, k=%d) = %.6f, want %.6f", tt.ranked, tt.k, got, tt.rr)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
