package indexer

import (
	"encoding/base64"
	"errors"
	"testing"
)

// FuzzSearchCursor feeds search page cursors to planQuery: a cursor either fails with
// ErrInvalidQuery or yields an offset in range for the very query it was made for, and
// re-encoding that offset decodes to the same offset.
func FuzzSearchCursor(f *testing.F) {
	key := queryKey("ledger", ModeHybrid, nil)
	f.Add(encodeCursor(20, key), "ledger", 0)
	f.Add(encodeCursor(0, key), "ledger", 5)
	f.Add("!!!", "ledger", 10)
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("offset=10")), "", 0)
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"o":-10,"k":"`+key+`"}`)), "ledger", 0)
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"o":1e9,"k":"`+key+`"}`)), "ledger", 0)
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"o":"10","k":"`+key+`"}`)), "ledger", 0)
	f.Add(encodeCursor(10, key)[:10], "ledger", 0)
	f.Fuzz(func(t *testing.T, cur, text string, offset int) {
		p, err := planQuery(Query{Text: text, Cursor: cur})
		if err != nil {
			if !errors.Is(err, ErrInvalidQuery) {
				t.Fatalf("planQuery(cursor %q): %v, want ErrInvalidQuery", cur, err)
			}
		} else if p.offset < 0 || p.offset > 2*maxDepth {
			t.Fatalf("cursor %q gave offset %d, out of range", cur, p.offset)
		}
		// A cursor we make decodes to what it was made from, for this query only.
		p, err = planQuery(Query{Text: text})
		if errors.Is(err, ErrInvalidQuery) {
			return // text beyond the search bounds (length, word length) has no cursors
		}
		if err != nil {
			t.Fatalf("planQuery(%q): %v", text, err)
		}
		offset = min(max(offset, 0), 2*maxDepth)
		made := encodeCursor(offset, p.key)
		got, err := decodeCursor(made, p.key)
		if err != nil || got != offset {
			t.Fatalf("decodeCursor(encodeCursor(%d)) = %d, %v", offset, got, err)
		}
		if _, err := decodeCursor(made, queryKey(text+"x", ModeHybrid, nil)); !errors.Is(err, ErrInvalidQuery) {
			t.Fatalf("a cursor of %q was accepted for another query: %v", text, err)
		}
	})
}
