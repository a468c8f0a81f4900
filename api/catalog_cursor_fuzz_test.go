package api

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextportal/portal/catalog"
)

// FuzzDecodeQueryCursor decodes fuzzed by-query cursors: a cursor is a 400 or a cursor
// that encodes and decodes to itself and whose query, made into a cursor again, continues
// the same query from the same position.
func FuzzDecodeQueryCursor(f *testing.F) {
	v := "artist-lookup"
	q := catalog.Query{
		Filter: catalog.Filter{AnyOf: []catalog.Filter{
			{AllOf: []catalog.Filter{{Key: "kind", Values: []string{"component"}}, {Key: "spec.type"}}},
			{Not: &catalog.Filter{Key: "kind", Values: []string{"user"}}},
		}},
		OrderBy:  []catalog.Order{{Field: "metadata.name", Desc: true}},
		FullText: &catalog.FullText{Term: "art", Fields: []string{"metadata.name"}},
		Limit:    3,
	}
	pos := catalog.Position{Values: []*string{&v}, UID: "897f9d1c"}
	f.Add(encodeCursor(newCursor(q, pos, false)))
	f.Add(encodeCursor(newCursor(q, pos, true)))
	f.Add(encodeCursor(newCursor(catalog.Query{}, catalog.Position{UID: "u"}, false)))
	for _, in := range []string{"", "%%%", "bm90IGpzb24=", "eyJ4IjoxfQ==",
		"eyJvcmRlckZpZWxkcyI6W10sInBvc2l0aW9uIjp7InYiOltdLCJ1IjoiIn0sImlzUHJldmlvdXMiOmZhbHNlfQ==",
		`{"orderFields":[],"position":{"v":[],"u":"x"},"isPrevious":false,"filter":{"not":{"not":{"key":"a"}}}}`} {
		f.Add(in)
		f.Add(base64.RawURLEncoding.EncodeToString([]byte(in)))
	}
	eq := cmpopts.EquateEmpty()
	f.Fuzz(func(t *testing.T, in string) {
		c, err := decodeCursor(in)
		if err != nil {
			wantInputError(t, "decodeCursor", err)
			return
		}
		again, err := decodeCursor(encodeCursor(c))
		if err != nil {
			t.Fatalf("decodeCursor(%q) = %+v, which does not decode once encoded: %v", in, c, err)
		}
		if d := cmp.Diff(c, again, eq); d != "" {
			t.Fatalf("cursor %q does not survive encoding (-first +again):\n%s", in, d)
		}
		q := c.query()
		p := q.After
		if c.IsPrevious {
			p = q.Before
		}
		remade, err := decodeCursor(encodeCursor(newCursor(q, *p, c.IsPrevious)))
		if err != nil {
			t.Fatalf("the query of cursor %q makes a cursor that does not decode: %v", in, err)
		}
		if d := cmp.Diff(q, remade.query(), eq); d != "" {
			t.Fatalf("cursor %q: its query, made into a cursor, changes (-first +again):\n%s", in, d)
		}
	})
}

// FuzzDecodePageTokens decodes fuzzed "after" tokens of GET /entities and the after/before
// cursors of the catalog page: each is an error (a 400, or ErrInvalid for the page) or a
// value that encodes and decodes to itself.
func FuzzDecodePageTokens(f *testing.F) {
	f.Add(encodeAfter(entitiesAfter{Limit: 5, Offset: 5}))
	f.Add("eyJsaW1pdCI6NSwib2Zmc2V0Ijo1fQ")
	f.Add("eyJsaW1pdCI6LTEsIm9mZnNldCI6NX0=")
	v := "payments"
	b, _ := json.Marshal(catalog.Position{Values: []*string{&v}, UID: "u1"})
	f.Add(base64.RawURLEncoding.EncodeToString(b))
	b, _ = json.Marshal(catalog.Position{Values: []*string{nil}, UID: "u2"})
	f.Add(base64.RawURLEncoding.EncodeToString(b))
	for _, in := range []string{"", " ", "!!not-base64", "e30", "e30=", "bnVsbA", `{"v":["a"],"u":"x"}`} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if a, err := decodeAfter(in); err != nil {
			wantInputError(t, "decodeAfter", err)
		} else {
			if a.Limit < 0 || a.Offset < 0 {
				t.Fatalf("decodeAfter(%q) = %+v: negative", in, a)
			}
			again, err := decodeAfter(encodeAfter(a))
			if err != nil || again != a {
				t.Fatalf("decodeAfter(%q) = %+v, which decodes once encoded as %+v, %v", in, a, again, err)
			}
		}

		p, err := decodeUICursor(in)
		switch {
		case err != nil:
			if !errorsIsInvalid(err) {
				t.Fatalf("decodeUICursor(%q): %v, want ErrInvalid", in, err)
			}
			return
		case p == nil:
			if in != "" {
				t.Fatalf("decodeUICursor(%q) = no position and no error", in)
			}
			return
		}
		if len(p.Values) != 1 || p.UID == "" {
			t.Fatalf("decodeUICursor(%q) = %+v: not one value and a uid", in, p)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeUICursor(base64.RawURLEncoding.EncodeToString(b))
		if err != nil {
			t.Fatalf("decodeUICursor(%q) = %+v, which does not decode once encoded: %v", in, p, err)
		}
		if d := cmp.Diff(p, again); d != "" {
			t.Fatalf("page cursor %q does not survive encoding (-first +again):\n%s", in, d)
		}
	})
}
