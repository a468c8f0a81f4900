package indexer_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/indexer"
)

func trainDemo(t *testing.T, k int, seed uint64) (*indexer.LSA, []demoSection) {
	t.Helper()
	secs := demoSections(t)
	texts := make([]string, len(secs))
	for i, s := range secs {
		texts[i] = s.text
	}
	m, err := indexer.TrainLSA(texts, k, seed)
	if err != nil {
		t.Fatalf("TrainLSA: %v", err)
	}
	return m, secs
}

func TestLSA(t *testing.T) {
	m, secs := trainDemo(t, 64, 7)
	if m.Dims() != 64 || !strings.HasPrefix(m.Model(), "lsa-64-") {
		t.Errorf("Dims, Model = %d, %q, want 64, lsa-64-…", m.Dims(), m.Model())
	}
	sv := m.SingularValues()
	if len(sv) != m.Dims() || sv[len(sv)-1] <= 0 {
		t.Errorf("want %d positive singular values, got %v", m.Dims(), sv)
	}
	for i := 1; i < len(sv); i++ {
		if sv[i] > sv[i-1] {
			t.Fatalf("singular values rise at %d: %v > %v", i, sv[i], sv[i-1])
		}
	}
	texts := []string{secs[0].text, secs[100].text, "rotate the database password", "zzzz qqqq"}
	vs := mustEmbed(t, m, texts[:3]...)
	checkUnit(t, m, vs)

	again, _ := trainDemo(t, 64, 7)
	if again.Model() != m.Model() {
		t.Errorf("retrained model %q, want %q", again.Model(), m.Model())
	}
	for i, v := range mustEmbed(t, again, texts[:3]...) {
		if !slices.Equal(v, vs[i]) {
			t.Errorf("text %d: same seed gave a different vector", i)
		}
	}
	if v := mustEmbed(t, m, texts[3])[0]; slices.ContainsFunc(v, func(x float32) bool { return x != 0 }) {
		t.Error("a text with no vocabulary terms gave a nonzero vector")
	}
}

func TestLSARetrieval(t *testing.T) {
	m, secs := trainDemo(t, 128, 1)
	ranks := rankOf(t, m, secs)
	t.Logf("%s ranks: %v", m.Model(), ranks)
	for i, r := range ranks {
		if r > 3 {
			t.Errorf("query %q: target %s at rank %d, want top 3", retrievalQueries[i].query, retrievalQueries[i].want, r)
		}
	}
}

func TestTrainLSAErrors(t *testing.T) {
	docs := []string{"kafka retries", "kafka backoff", "orders database", "orders password"}
	tests := []struct {
		name string
		k    int
		docs []string
		want error
	}{
		{"too few docs", 8, docs, indexer.ErrTooFewDocs},
		{"no shared terms", 1, slices.Repeat([]string{""}, 20), indexer.ErrTooFewDocs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := indexer.TrainLSA(tt.docs, tt.k, 1); !errors.Is(err, tt.want) {
				t.Errorf("TrainLSA(k=%d, %d docs) error %v, want %v", tt.k, len(tt.docs), err, tt.want)
			}
		})
	}
	if _, err := indexer.TrainLSA(docs, 0, 1); err == nil {
		t.Error("TrainLSA with k 0: no error")
	}
}
