package store

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/pgvector/pgvector-go"
)

// TestVectorScan reads each form a vector column arrives in.
func TestVectorScan(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     any
		want    []float32
		wantErr bool
	}{
		{name: "null", src: nil, want: nil},
		{name: "sqlite blob", src: []byte{0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0}, want: []float32{1, -2.5}},
		{name: "blob of odd length", src: []byte{1, 2, 3}, wantErr: true},
		{name: "pgvector text", src: "[1,2.5,-3e-05]", want: []float32{1, 2.5, -3e-05}},
		{name: "empty text", src: "[]", want: []float32{}},
		{name: "pgvector value", src: pgvector.NewVector([]float32{0.5}), want: []float32{0.5}},
		{name: "no brackets", src: "1,2", wantErr: true},
		{name: "one bracket", src: "[", wantErr: true},
		{name: "bad number", src: "[1,x]", wantErr: true},
		{name: "other type", src: 3, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s vectorScan
			err := s.Scan(tc.src)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Scan(%v) error = %v, want error %v", tc.src, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, s.v); !tc.wantErr && diff != "" {
				t.Errorf("Scan(%v) (-want +got):\n%s", tc.src, diff)
			}
		})
	}
}

// TestListScan reads each form a list column arrives in.
func TestListScan(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     any
		want    []string
		wantErr bool
	}{
		{name: "null", src: nil, want: nil},
		{name: "sqlite json", src: `["a","b c"]`, want: []string{"a", "b c"}},
		{name: "sqlite empty json", src: `[]`, want: nil},
		{name: "postgres array", src: `{a,"b c","d\"e","f\\g",""}`, want: []string{"a", "b c", `d"e`, `f\g`, ""}},
		{name: "postgres bytes", src: []byte(`{x}`), want: []string{"x"}},
		{name: "postgres empty", src: `{}`, want: nil},
		{name: "null element dropped", src: `{a,NULL,"NULL"}`, want: []string{"a", "NULL"}},
		{name: "unterminated quote", src: `{"a}`, wantErr: true},
		{name: "neither form", src: `a,b`, wantErr: true},
		{name: "bad json", src: `["a"`, wantErr: true},
		{name: "other type", src: 3, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s listScan
			err := s.Scan(tc.src)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Scan(%v) error = %v, want error %v", tc.src, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, s.v); !tc.wantErr && diff != "" {
				t.Errorf("Scan(%v) (-want +got):\n%s", tc.src, diff)
			}
		})
	}
}

// FuzzListScan: a list written in PostgreSQL's text[] form (as pgx encodes it) reads back
// as the same strings. The fuzzed string is split on '|' into elements.
func FuzzListScan(f *testing.F) {
	for _, s := range []string{"a|b c", `q"uote|back\slash`, "NULL|{}|,", " lead|trail ", ""} {
		f.Add(s)
	}
	m := pgtype.NewMap()
	f.Fuzz(func(t *testing.T, s string) {
		elems := strings.Split(cleanText(s), "|")
		text, err := m.Encode(pgtype.TextArrayOID, pgtype.TextFormatCode, elems, nil)
		if err != nil {
			t.Skip(err)
		}
		var ls listScan
		if err := ls.Scan(string(text)); err != nil {
			t.Fatalf("Scan(%s): %v", text, err)
		}
		if diff := cmp.Diff(elems, ls.v); diff != "" {
			t.Errorf("Scan(%s) (-want +got):\n%s", text, diff)
		}
	})
}
