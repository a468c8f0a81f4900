package indexer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// lsaMagic starts every serialized LSA model; the last byte is the format version: 3 holds
// the model's lexical agreement after the basis, measured over whole texts; 2 (still read)
// holds it measured over short probes, which the ramps of hybrid search no longer fit, so
// it reads as unmeasured like 1 (still read), which has none, and the model is trained
// again once.
const (
	lsaMagic   = "LSA\x03"
	lsaMagicV2 = "LSA\x02"
	lsaMagicV1 = "LSA\x01"
)

// MarshalBinary serializes m compactly: the vocabulary, IDF weights and singular values
// in full precision and the basis as float32, which embeds the same texts to within 1e-6.
func (m *LSA) MarshalBinary() ([]byte, error) {
	terms := make([]string, len(m.vocab))
	for t, i := range m.vocab {
		terms[i] = t
	}
	size := len(lsaMagic) + 3*binary.MaxVarintLen64 + len(m.model) + 8*len(m.sigma) +
		len(terms)*(binary.MaxVarintLen64+8) + 4*len(m.basis) + 8
	for _, t := range terms {
		size += len(t)
	}
	b := make([]byte, 0, size)
	b = append(b, lsaMagic...)
	b = binary.AppendUvarint(b, uint64(m.k))
	b = binary.AppendUvarint(b, uint64(len(terms)))
	b = appendString(b, m.model)
	for _, s := range m.sigma {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s))
	}
	for i, t := range terms {
		b = appendString(b, t)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.idf[i]))
	}
	for _, x := range m.basis {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(x)))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.agreement))
	return b, nil
}

// UnmarshalLSA reads a model written by LSA.MarshalBinary.
func UnmarshalLSA(data []byte) (*LSA, error) {
	r := byteReader{b: data}
	magic := string(r.next(len(lsaMagic)))
	if magic != lsaMagic && magic != lsaMagicV2 && magic != lsaMagicV1 {
		return nil, errors.New("unmarshal lsa: not an lsa model")
	}
	k, n := r.uvarint(), r.uvarint()
	// Every term takes at least 9 bytes and every basis entry 4, which bounds k and n by
	// the data's length before anything is allocated.
	if r.err == nil && (k == 0 || n == 0 || k > uint64(len(data)) || n > uint64(len(data))/9 ||
		k*n > uint64(len(data))/4) {
		return nil, fmt.Errorf("unmarshal lsa: %d terms × %d dimensions do not fit in %d bytes", n, k, len(data))
	}
	m := &LSA{k: int(k), vocab: make(map[string]int, n), idf: make([]float64, n),
		sigma: make([]float64, k), basis: make([]float64, n*k)}
	m.model = r.string()
	for i := range m.sigma {
		m.sigma[i] = r.float64()
	}
	for i := range m.idf {
		m.vocab[r.string()] = i
		m.idf[i] = r.float64()
	}
	for i := range m.basis {
		m.basis[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(r.next(4))))
	}
	switch magic {
	case lsaMagic:
		m.agreement, m.measured = r.float64(), true
	case lsaMagicV2:
		r.float64() // an agreement measured the old way: train again
	}
	switch {
	case r.err != nil:
		return nil, fmt.Errorf("unmarshal lsa: %w", r.err)
	case len(r.b) != 0:
		return nil, fmt.Errorf("unmarshal lsa: %d bytes after the model", len(r.b))
	case len(m.vocab) != len(m.idf):
		return nil, errors.New("unmarshal lsa: repeated vocabulary term")
	}
	return m, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// byteReader reads the values appendString and binary.Append* wrote. After the first
// error, every read returns zero values and the error stays.
type byteReader struct {
	b   []byte
	err error
}

var errShortModel = errors.New("model data ends early")

// next returns the next n bytes, or n zero bytes once the data has run out.
func (r *byteReader) next(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.fail()
		return make([]byte, n)
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *byteReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	return string(r.next(int(n)))
}

func (r *byteReader) float64() float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(r.next(8)))
}

// fail records that the data ended early, unless an error is already recorded.
func (r *byteReader) fail() {
	if r.err == nil {
		r.err = errShortModel
	}
}
