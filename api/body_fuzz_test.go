package api

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fuzzBody is a request body with the field types the handlers decode.
type fuzzBody struct {
	Name   string          `json:"name"`
	Scope  string          `json:"scope"`
	TTL    json.RawMessage `json:"ttl"`
	Tags   []string        `json:"tags"`
	Count  int             `json:"count"`
	Nested *fuzzBody       `json:"nested"`
}

// FuzzDecodeJSON decodes fuzzed request bodies as the handlers do, loosely into a map and
// strictly into a struct: a body is a 400, or one JSON object whose value survives encoding
// and decoding again.
func FuzzDecodeJSON(f *testing.F) {
	for _, in := range []string{``, `{}`, `[]`, `null`, `{"name":"new-1","scope":"read","ttl":"1h"}`,
		`{"name":"x","unknown":1}`, `{"a":1} {"b":2}`, `{"a":1}garbage`, `{"count":1e3}`, `{"count":"7"}`,
		`{"nested":{"nested":{"tags":["a",null]}}}`, `{"name":"\ud800"}`, `{"ttl":` + "\x00" + `}`, ` {"a":[1,2,{"b":null}]} `} {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		raw = bytes.TrimSpace(raw) // as readBody does
		var m map[string]any
		if err := decodeJSON(raw, &m, false); err != nil {
			wantInputError(t, "decodeJSON into a map", err)
		} else {
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatalf("decodeJSON(%q) = %v, which does not marshal: %v", raw, m, err)
			}
			var again map[string]any
			if err := decodeJSON(b, &again, false); err != nil || !cmp.Equal(m, again) {
				t.Fatalf("decodeJSON(%q) = %v; re-encoded %s it decodes as %v, %v", raw, m, b, again, err)
			}
		}
		var s fuzzBody
		if err := decodeJSON(raw, &s, true); err != nil {
			wantInputError(t, "decodeJSON into a struct", err)
			return
		}
		if m == nil {
			t.Fatalf("decodeJSON(%q) decodes strictly into a struct but not into a map", raw)
		}
		// A TTL field of any shape is a 400 or a TTL in range.
		d, err := parseTTL(s.TTL)
		if err != nil {
			wantInputError(t, "parseTTL", err)
		} else if d < 0 || d > maxTokenTTL {
			t.Fatalf("parseTTL(%s) = %s, out of range", s.TTL, d)
		}
	})
}

// FuzzParseTTL parses fuzzed token TTLs: a TTL is a 400 or a duration from 0 to
// maxTokenTTL that reads back the same as seconds and as a duration string.
func FuzzParseTTL(f *testing.F) {
	for _, in := range []string{``, `null`, `3600`, `"1h"`, `"720h"`, `"30d"`, `" 2d "`, `"-1h"`, `-5`, `1e3`, `"1825d"`,
		`"1826d"`, `"99999999999h"`, `"d"`, `"1.5h30m"`, `157680000`, `157680001`, `"9223372036854775807ns"`, `"\u0031h"`, `true`, `{}`} {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := parseTTL(json.RawMessage(raw))
		if err != nil {
			wantInputError(t, "parseTTL", err)
			return
		}
		if d < 0 || d > maxTokenTTL {
			t.Fatalf("parseTTL(%q) = %s, out of range", raw, d)
		}
		if s, err := json.Marshal(d.String()); err != nil {
			t.Fatal(err)
		} else if again, err := parseTTL(s); err != nil || again != d {
			t.Fatalf("parseTTL(%q) = %s; as %s it reads as %s, %v", raw, d, s, again, err)
		}
		if d%time.Second == 0 {
			secs := []byte(json.Number(formatInt(int64(d / time.Second))))
			if again, err := parseTTL(secs); err != nil || again != d {
				t.Fatalf("parseTTL(%q) = %s; as %s seconds it reads as %s, %v", raw, d, secs, again, err)
			}
		}
	})
}
