package store

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/pgvector/pgvector-go"
)

// The index tables keep vectors and string lists in each engine's own types: vector and
// text[] on PostgreSQL (so SQL can search and filter them), a float32 BLOB and JSON text on
// SQLite. The helpers here write the engine's form and read either.

// isPostgres reports whether db runs on PostgreSQL.
func (db *DB) isPostgres() bool { return db.dialect.engine == postgresDialect.engine }

// vectorArg returns v as the engine stores it; nil stays NULL.
func (db *DB) vectorArg(v []float32) any {
	if v == nil {
		return nil
	}
	if db.isPostgres() {
		return pgvector.NewVector(v)
	}
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// listArg returns ss as the engine stores a list of strings (never NULL).
func (db *DB) listArg(ss []string) any {
	if ss == nil {
		ss = []string{}
	}
	if db.isPostgres() {
		return ss
	}
	b, _ := json.Marshal(ss) // a []string always marshals
	return string(b)
}

// vectorScan reads a vector column: a BLOB from SQLite, pgvector's text form from
// PostgreSQL (database/sql gets unregistered types as text); NULL reads as nil.
type vectorScan struct{ v []float32 }

var _ sql.Scanner = (*vectorScan)(nil)

// Scan implements sql.Scanner.
func (s *vectorScan) Scan(src any) error {
	s.v = nil
	switch src := src.(type) {
	case nil:
		return nil
	case []byte:
		if len(src)%4 != 0 {
			return fmt.Errorf("scan vector: blob of %d bytes is not float32s", len(src))
		}
		s.v = make([]float32, len(src)/4)
		for i := range s.v {
			s.v[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
		return nil
	case string:
		return s.parse(src)
	case pgvector.Vector:
		s.v = src.Slice()
		return nil
	}
	return fmt.Errorf("scan vector: unsupported type %T", src)
}

// parse reads pgvector's text form, [1,2.5,-3e-05], with pgvector.Vector.Parse (which
// needs the brackets checked first and refuses "[]", which PostgreSQL never sends).
func (s *vectorScan) parse(text string) error {
	if len(text) < 2 || text[0] != '[' || text[len(text)-1] != ']' {
		return fmt.Errorf("scan vector: malformed %.40q", text)
	}
	if text == "[]" {
		s.v = []float32{}
		return nil
	}
	var v pgvector.Vector
	if err := v.Parse(text); err != nil {
		return fmt.Errorf("scan vector: %w", err)
	}
	s.v = v.Slice()
	return nil
}

// listScan reads a list of strings: a JSON array from SQLite, a text[] literal
// ({a,"b c"}) from PostgreSQL. An empty list reads as nil.
type listScan struct{ v []string }

var _ sql.Scanner = (*listScan)(nil)

// Scan implements sql.Scanner.
func (s *listScan) Scan(src any) error {
	s.v = nil
	var text string
	switch src := src.(type) {
	case nil:
		return nil
	case []byte:
		text = string(src)
	case string:
		text = src
	default:
		return fmt.Errorf("scan list: unsupported type %T", src)
	}
	switch {
	case strings.HasPrefix(text, "["):
		if err := json.Unmarshal([]byte(text), &s.v); err != nil {
			return fmt.Errorf("scan list: %w", err)
		}
	case strings.HasPrefix(text, "{"):
		v, err := parseTextArray(text)
		if err != nil {
			return fmt.Errorf("scan list: %w", err)
		}
		s.v = v
	default:
		return fmt.Errorf("scan list: malformed %.40q", text)
	}
	if len(s.v) == 0 {
		s.v = nil
	}
	return nil
}

// typeMaps lends pgx's type maps, which are not safe for concurrent use, to parseTextArray.
var typeMaps = sync.Pool{New: func() any { return pgtype.NewMap() }}

// parseTextArray parses a one-dimensional PostgreSQL text[] literal with pgx's array
// scanning; NULL elements are dropped, as the index never stores them.
func parseTextArray(text string) ([]string, error) {
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	var elems []*string
	if err := m.Scan(pgtype.TextArrayOID, pgtype.TextFormatCode, []byte(text), &elems); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, nil
}

// cleanText makes s storable as text on both engines: valid UTF-8 without NUL bytes
// (PostgreSQL refuses both). Valid text, which is nearly all of it, is returned as is.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// placeholders adds vs to b as arguments and returns their comma-separated placeholders.
func placeholders[T any](b *builder, vs []T) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = b.arg(v)
	}
	return strings.Join(ph, ", ")
}
