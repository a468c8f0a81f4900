package indexer

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPlanQuery(t *testing.T) {
	tests := []struct {
		name    string
		q       Query
		want    plan // key is not compared
		wantErr string
	}{
		{
			name: "defaults",
			q:    Query{Text: "  payments  "},
			want: plan{text: "payments", mode: ModeHybrid, limit: 10},
		},
		{
			name: "filters lowercased, trimmed, deduplicated and emptied fields dropped",
			q: Query{Mode: ModeLexical, Limit: 100, Filters: Filters{
				FieldKind:  {" Component", "component", "API"},
				FieldOwner: {" ", ""},
			}},
			want: plan{mode: ModeLexical, limit: 100, filters: Filters{FieldKind: {"api", "component"}}},
		},
		{
			name: "facets deduplicated in order",
			q:    Query{Limit: 1, Facets: []string{FieldTags, FieldKind, FieldTags}},
			want: plan{mode: ModeHybrid, limit: 1, facets: []string{FieldTags, FieldKind}},
		},
		{name: "limit too big", q: Query{Limit: 101}, wantErr: "limit 101 is not between 1 and 100: invalid query"},
		{name: "negative limit", q: Query{Limit: -1}, wantErr: "limit -1 is not between 1 and 100"},
		{name: "unknown mode", q: Query{Mode: "fuzzy"}, wantErr: `mode "fuzzy" is not one of lexical, vector, hybrid`},
		{name: "unknown filter", q: Query{Filters: Filters{"color": {"red"}}}, wantErr: `filter "color" is not one of kind, type`},
		{name: "filter keys are case-sensitive", q: Query{Filters: Filters{"Kind": {"api"}}}, wantErr: `filter "Kind"`},
		{name: "unknown facet", q: Query{Facets: []string{"visibility"}}, wantErr: `facet "visibility" is not one of`},
		{name: "garbage cursor", q: Query{Cursor: "!!!"}, wantErr: "cursor is malformed"},
		{name: "cursor not json", q: Query{Cursor: base64.RawURLEncoding.EncodeToString([]byte("offset=10"))}, wantErr: "cursor is malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planQuery(tt.q)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("planQuery(%+v) error = %v, want ErrInvalidQuery saying %q", tt.q, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("planQuery(%+v): %v", tt.q, err)
			}
			got.key = ""
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(plan{})); diff != "" {
				t.Errorf("planQuery(%+v) mismatch (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func TestCursor(t *testing.T) {
	first := Query{Text: "rotate credentials", Mode: ModeHybrid, Filters: Filters{FieldKind: {"component", "api"}}}
	p, err := planQuery(first)
	if err != nil {
		t.Fatal(err)
	}
	cur := encodeCursor(20, p.key)
	if strings.ContainsAny(cur, "+/=") {
		t.Errorf("cursor %q is not base64url without padding", cur)
	}
	tests := []struct {
		name       string
		q          Query
		wantOffset int
		wantErr    string
	}{
		{name: "same query", q: first, wantOffset: 20},
		{name: "same query, another page size", q: Query{Text: first.Text, Filters: first.Filters, Limit: 50}, wantOffset: 20},
		{name: "filters in another order and case", q: Query{Text: " rotate credentials ", Filters: Filters{FieldKind: {"API", "component"}}}, wantOffset: 20},
		{name: "another text", q: Query{Text: "rotate keys", Filters: first.Filters}, wantErr: "cursor does not belong to this query"},
		{name: "another mode", q: Query{Text: first.Text, Mode: ModeLexical, Filters: first.Filters}, wantErr: "cursor does not belong to this query"},
		{name: "another filter", q: Query{Text: first.Text, Filters: Filters{FieldKind: {"api"}}}, wantErr: "cursor does not belong to this query"},
		{name: "no filter", q: Query{Text: first.Text}, wantErr: "cursor does not belong to this query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Cursor = cur
			got, err := planQuery(tt.q)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("planQuery error = %v, want ErrInvalidQuery saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.offset != tt.wantOffset {
				t.Fatalf("planQuery offset = %d, %v; want %d", got.offset, err, tt.wantOffset)
			}
		})
	}
}

func TestCursorTampered(t *testing.T) {
	p, err := planQuery(Query{Text: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	forge := func(json string) string { return base64.RawURLEncoding.EncodeToString([]byte(json)) }
	tests := []struct {
		name    string
		cursor  string
		wantErr string
	}{
		{"negative offset", forge(`{"o":-10,"k":"` + p.key + `"}`), "cursor offset -10 is out of range"},
		{"huge offset", forge(`{"o":99999999,"k":"` + p.key + `"}`), "out of range"},
		{"key edited", forge(`{"o":10,"k":"` + strings.Repeat("0", len(p.key)) + `"}`), "cursor does not belong to this query"},
		{"no key", forge(`{"o":10}`), "cursor does not belong to this query"},
		{"offset not a number", forge(`{"o":"10","k":"` + p.key + `"}`), "cursor is malformed"},
		{"truncated", encodeCursor(10, p.key)[:10], "cursor is malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planQuery(Query{Text: "ledger", Cursor: tt.cursor})
			if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("planQuery(cursor %q) error = %v, want ErrInvalidQuery saying %q", tt.cursor, err, tt.wantErr)
			}
		})
	}
}

func TestDepth(t *testing.T) {
	tests := []struct{ offset, limit, want int }{
		{0, 10, 100},
		{0, 100, 300},
		{30, 10, 120},
		{300, 100, 1000},
		{1990, 100, 1000},
	}
	for _, tt := range tests {
		if got := depth(tt.offset, tt.limit); got != tt.want {
			t.Errorf("depth(%d, %d) = %d, want %d", tt.offset, tt.limit, got, tt.want)
		}
	}
}
