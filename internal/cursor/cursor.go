// Package cursor encodes and decodes opaque page cursors: a small JSON value in base64, so
// clients pass it back untouched and never build one. Every paged API (catalog, search,
// audit, and the capabilities to come) uses it instead of its own encoder.
package cursor

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// ErrMalformed is Decode's error for a cursor that is not one this package made.
var ErrMalformed = errors.New("malformed cursor")

// Codec encodes cursors in one base64 alphabet and decodes either.
type Codec struct{ enc *base64.Encoding }

var (
	// URL is for the portal's own cursors: base64url without padding, safe in a query
	// string as is.
	URL = Codec{base64.RawURLEncoding}
	// Std is for cursors whose format Backstage fixes: standard base64 with padding.
	Std = Codec{base64.StdEncoding}
)

// Encode returns v (plain data: numbers, strings, slices and structs of them) as a cursor.
func (c Codec) Encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("cursor: " + err.Error()) // plain data always marshals: a programmer's mistake
	}
	return c.enc.EncodeToString(b)
}

// Decode reads cursor s into v. It accepts both alphabets (a standard cursor's '+' that
// a careless client left unescaped arrives as a space, which is read back as '+'), and
// refuses unknown JSON fields and trailing data. Any failure is ErrMalformed.
func (c Codec) Decode(s string, v any) error {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "+")
	if s == "" {
		return ErrMalformed
	}
	raw, err := c.enc.DecodeString(s)
	if err != nil {
		other := base64.RawURLEncoding
		if c.enc == base64.RawURLEncoding {
			other = base64.StdEncoding
		} else {
			s = strings.TrimRight(s, "=")
		}
		if raw, err = other.DecodeString(s); err != nil {
			return ErrMalformed
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		return ErrMalformed
	}
	return nil
}
