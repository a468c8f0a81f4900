package indexer

import (
	"fmt"
	"testing"
)

func TestNeedsTraining(t *testing.T) {
	lsa := &LSA{k: 8, model: "lsa-8-test", measured: true}
	format1 := &LSA{k: 8, model: "lsa-8-old"} // loaded from format 1: agreement not measured
	hashed := localModel{emb: NewHashed(hashedDims)}
	tests := []struct {
		m      localModel
		chunks int
		want   bool
	}{
		{hashed, 0, false},
		{hashed, lsaMinChunks - 1, false},
		{hashed, lsaMinChunks, true},
		{hashed, 10 * lsaMinChunks, true},
		{localModel{emb: lsa, trainedOn: 1000}, 1000, false},
		{localModel{emb: lsa, trainedOn: 1000}, 1249, false},
		{localModel{emb: lsa, trainedOn: 1000}, 1250, true},
		{localModel{emb: lsa, trainedOn: 1000}, 500, false},
		{localModel{emb: lsa, trainedOn: 1000}, 499, true},
		// Below the threshold an LSA model stays: it is still better than Hashed.
		{localModel{emb: lsa, trainedOn: 1000}, lsaMinChunks - 1, false},
		{localModel{emb: lsa, trainedOn: 0}, lsaMinChunks, true},
		// A model saved before agreement was measured is trained again once.
		{localModel{emb: format1, trainedOn: 1000}, 1000, true},
		{localModel{emb: format1, trainedOn: 1000}, lsaMinChunks - 1, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d/%d", tt.m.emb.Model(), tt.m.trainedOn, tt.chunks), func(t *testing.T) {
			if got := needsTraining(tt.m, tt.chunks); got != tt.want {
				t.Errorf("needsTraining(%s trained on %d, %d chunks) = %v, want %v",
					tt.m.emb.Model(), tt.m.trainedOn, tt.chunks, got, tt.want)
			}
		})
	}
}

func TestLSADimsFor(t *testing.T) {
	for _, tt := range []struct{ n, want int }{
		{lsaMinChunks, min(lsaDims, lsaMinChunks-lsaOversample)},
		{lsaDims + lsaOversample, lsaDims},
		{100_000, lsaDims},
		{5, 1},
	} {
		if got := lsaDimsFor(tt.n); got != tt.want {
			t.Errorf("lsaDimsFor(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func trainSmallLSA(t *testing.T) *LSA {
	t.Helper()
	var docs []string
	for i := range 60 {
		docs = append(docs, fmt.Sprintf("service %d deploys ledger payments topic%d word%d", i, i%7, i%11))
	}
	m, err := TrainLSA(docs, 8, lsaSeed)
	if err != nil {
		t.Fatalf("TrainLSA: %v", err)
	}
	return m
}

func TestLocalModelRoundTrip(t *testing.T) {
	m := trainSmallLSA(t)
	data, err := encodeLocalModel(m, 1234)
	if err != nil {
		t.Fatalf("encodeLocalModel: %v", err)
	}
	got, err := decodeLocalModel(data)
	if err != nil {
		t.Fatalf("decodeLocalModel: %v", err)
	}
	if got.trainedOn != 1234 || got.emb.Model() != m.Model() {
		t.Errorf("decoded %s trained on %d, want %s on 1234", got.emb.Model(), got.trainedOn, m.Model())
	}
	for _, bad := range [][]byte{nil, []byte("PLM"), []byte("PLM\x01"), data[:len(data)-1], lsaBytes(t, m)} {
		if _, err := decodeLocalModel(bad); err == nil {
			t.Errorf("decodeLocalModel(%d bytes) succeeded, want an error", len(bad))
		}
	}
}

// The basis is stored as float32 and the rest is small: the model takes little more than
// 4 bytes per basis entry.
func TestLSAMarshalSize(t *testing.T) {
	m := trainSmallLSA(t)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	var terms int
	for term := range m.vocab {
		terms += len(term) + 1 + 8
	}
	want := 4*len(m.basis) + terms + 8*len(m.sigma) + len(m.model) + 32
	if len(data) > want {
		t.Errorf("MarshalBinary = %d bytes, want at most %d", len(data), want)
	}
}

// lsaBytes returns m serialized without the local model header: valid LSA data that
// decodeLocalModel must refuse.
func lsaBytes(t *testing.T, m *LSA) []byte {
	t.Helper()
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return data
}
