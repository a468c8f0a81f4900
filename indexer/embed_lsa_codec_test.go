package indexer_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/nextportal/portal/indexer"
)

func TestLSAMarshalRoundTrip(t *testing.T) {
	m, secs := trainDemo(t, 64, 3)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	got, err := indexer.UnmarshalLSA(data)
	if err != nil {
		t.Fatalf("UnmarshalLSA: %v", err)
	}
	if got.Model() != m.Model() || got.Dims() != m.Dims() {
		t.Errorf("round trip: model %q dims %d, want %q %d", got.Model(), got.Dims(), m.Model(), m.Dims())
	}
	texts := []string{"rotate the database password", "zzzz qqqq"}
	for _, s := range secs {
		texts = append(texts, s.text)
	}
	want := mustEmbed(t, m, texts...)
	var worst float64
	for i, v := range mustEmbed(t, got, texts...) {
		for j := range v {
			worst = max(worst, math.Abs(float64(v[j]-want[i][j])))
		}
	}
	if worst > 1e-6 {
		t.Errorf("round trip embeds %d texts differently: max |Δ| = %g, want ≤ 1e-6", len(texts), worst)
	}
	again, err := got.MarshalBinary()
	if err != nil || string(again) != string(data) {
		t.Errorf("marshalling the unmarshalled model gave other bytes (err %v)", err)
	}
}

func TestUnmarshalLSARejectsBadData(t *testing.T) {
	m, _ := trainDemo(t, 16, 3)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"wrong magic", append([]byte("XSA\x01"), data[4:]...)},
		{"newer format", append([]byte("LSA\x04"), data[4:]...)},
		{"trailing byte", append(slices.Clone(data), 0)},
		{"huge dimensions", append([]byte("LSA\x01\xff\xff\xff\xff\x0f\x01"), data[6:]...)},
	}
	// Cut anywhere: in the header, the vocabulary or the basis.
	for _, n := range []int{4, 5, 6, 7, 20, len(data) / 3, len(data) / 2, len(data) - 1} {
		tests = append(tests, struct {
			name string
			data []byte
		}{fmt.Sprintf("cut at %d", n), data[:n]})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m, err := indexer.UnmarshalLSA(tt.data); err == nil {
				t.Errorf("UnmarshalLSA = model %q, want an error", m.Model())
			}
		})
	}
}
