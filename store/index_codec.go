package store

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

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

// parse reads pgvector's text form, [1,2.5,-3e-05].
func (s *vectorScan) parse(text string) error {
	inner, ok := strings.CutPrefix(text, "[")
	inner, ok2 := strings.CutSuffix(inner, "]")
	if !ok || !ok2 {
		return fmt.Errorf("scan vector: malformed %.40q", text)
	}
	if inner == "" {
		s.v = []float32{}
		return nil
	}
	s.v = make([]float32, 0, strings.Count(inner, ",")+1)
	for f := range strings.SplitSeq(inner, ",") {
		x, err := strconv.ParseFloat(f, 32)
		if err != nil {
			return fmt.Errorf("scan vector: %w", err)
		}
		s.v = append(s.v, float32(x))
	}
	return nil
}

// listScan reads a list of strings: a JSON array from SQLite, an array literal
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

// parseTextArray parses a one-dimensional PostgreSQL text[] literal. Elements are quoted
// (with backslash escapes) when they hold a delimiter, quote, backslash or space; an
// unquoted NULL is dropped, as the index never stores NULL elements.
func parseTextArray(s string) ([]string, error) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, fmt.Errorf("malformed array %.40q", s)
	}
	body := s[1 : len(s)-1]
	var out []string
	for i := 0; i < len(body); {
		var elem strings.Builder
		quoted := body[i] == '"'
		if quoted {
			i++
			for i < len(body) && body[i] != '"' {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				elem.WriteByte(body[i])
				i++
			}
			if i >= len(body) {
				return nil, fmt.Errorf("unterminated quote in array %.40q", s)
			}
			i++ // closing quote
		} else {
			for i < len(body) && body[i] != ',' {
				elem.WriteByte(body[i])
				i++
			}
		}
		if quoted || elem.String() != "NULL" {
			out = append(out, elem.String())
		}
		if i < len(body) {
			if body[i] != ',' {
				return nil, fmt.Errorf("malformed array %.40q", s)
			}
			i++
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
