package indexer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTopIndexes(t *testing.T) {
	tests := []struct {
		scores []float64
		k      int
		want   []int
	}{
		{nil, 3, []int{}},
		{[]float64{1, 3, 2}, 2, []int{1, 2}},
		{[]float64{1, 3, 2}, 5, []int{1, 2, 0}},
		{[]float64{2, 2, 1, 2}, 2, []int{0, 1}}, // ties by index
		{[]float64{0, 0, 5, 0, 4, 9}, 3, []int{5, 2, 4}},
	}
	for _, tt := range tests {
		if got := topIndexes(tt.scores, tt.k); !slices.Equal(got, tt.want) {
			t.Errorf("topIndexes(%v, %d) = %v, want %v", tt.scores, tt.k, got, tt.want)
		}
	}
}

// agreeCorpus is n texts over a small vocabulary: each text mixes a topic's words with a
// few words of others.
func agreeCorpus(n int) []string {
	rng := rand.New(rand.NewPCG(7, 8))
	var docs []string
	for i := range n {
		var words []string
		for range 12 {
			topic := i % 6
			if rng.Float64() < 0.3 {
				topic = rng.IntN(6)
			}
			words = append(words, fmt.Sprintf("w%dx%d", topic, rng.IntN(5)))
		}
		docs = append(docs, fmt.Sprint(words))
	}
	return docs
}

// A model with every dimension the corpus has ranks like TF-IDF cosine (agreement near 1);
// one dimension cannot.
func TestLexicalAgreement(t *testing.T) {
	docs := agreeCorpus(200)
	full, err := TrainLSA(docs, 40, 1) // 30 terms: k falls to the rank
	if err != nil {
		t.Fatal(err)
	}
	one, err := TrainLSA(docs, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if full.agreement < 0.9 || one.agreement >= full.agreement-0.2 {
		t.Errorf("agreement %.3f with %d dimensions, %.3f with 1: want ≥ 0.9 and well below", full.agreement, full.k, one.agreement)
	}
}

func TestLSACodecAgreement(t *testing.T) {
	m, err := TrainLSA(agreeCorpus(200), 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.agreement <= 0 {
		t.Fatalf("agreement %g, want > 0", m.agreement)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalLSA(data)
	if err != nil || got.agreement != m.agreement || !got.measured || !m.measured {
		t.Errorf("round trip: agreement %v (err %v), want %v", got.agreement, err, m.agreement)
	}
	// A version 1 model, written before agreement was measured, and a version 2 model,
	// whose agreement was measured over short probes, read as unmeasured.
	older := map[string][]byte{
		"version 1": append([]byte(lsaMagicV1), data[len(lsaMagic):len(data)-8]...),
		"version 2": append([]byte(lsaMagicV2), data[len(lsaMagic):]...),
	}
	for name, b := range older {
		old, err := UnmarshalLSA(b)
		if err != nil || old.agreement != 0 || old.measured || old.Model() != m.Model() {
			t.Errorf("%s: agreement %v measured %v model %q (err %v), want 0, false and %q", name, old.agreement, old.measured, old.Model(), err, m.Model())
		}
	}
}
