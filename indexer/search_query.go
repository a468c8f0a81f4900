package indexer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	pagecursor "github.com/nextportal/portal/internal/cursor"
	"github.com/nextportal/portal/internal/errkind"
)

// ErrInvalidQuery is returned by Search for a query it cannot run: a bad limit, mode,
// filter or facet field, or a cursor of another query. The wrapping error's message says
// what is wrong and is meant for the caller.
var ErrInvalidQuery = errkind.New(errkind.Invalid, "invalid query")

// Bounds of a search.
const (
	defaultLimit = 10
	maxLimit     = 100
	minDepth     = 100  // fewest candidate chunks asked of each retriever
	maxDepth     = 1000 // most candidate chunks asked of each retriever
)

// Bounds of a query's text, so that no query costs more than a reasonable one: the
// lexical and fuzzy queries bleve builds grow with the length of each word.
const (
	// MaxQueryChars is the most characters (runes) a query's text may have.
	MaxQueryChars = 1000
	// MaxWordChars is the most characters a word (a run of letters and digits) of a
	// query may have: longer than any entity name (63) or identifier one searches for.
	MaxWordChars = 128
)

// plan is a validated Query: text trimmed, mode resolved, filter values lowercased, the
// page's offset decoded from the cursor.
type plan struct {
	text    string
	mode    Mode
	filters Filters
	facets  []string
	limit   int
	offset  int
	key     string // identifies text, mode and filters in cursors
}

// invalid returns an error wrapping ErrInvalidQuery with a message for the caller.
func invalid(format string, args ...any) error {
	return errkind.Errorf(ErrInvalidQuery, format, args...)
}

// planQuery validates q and resolves its defaults.
func planQuery(q Query) (plan, error) {
	p := plan{text: strings.TrimSpace(q.Text), limit: q.Limit}
	if err := checkText(p.text); err != nil {
		return plan{}, err
	}
	if p.limit == 0 {
		p.limit = defaultLimit
	}
	if p.limit < 1 || p.limit > maxLimit {
		return plan{}, invalid("limit %d is not between 1 and %d", q.Limit, maxLimit)
	}
	mode, ok := ParseMode(string(q.Mode))
	if !ok {
		return plan{}, invalid("mode %q is not one of %s, %s, %s", q.Mode, ModeLexical, ModeVector, ModeHybrid)
	}
	p.mode = mode
	var err error
	if p.filters, err = cleanFilters(q.Filters); err != nil {
		return plan{}, err
	}
	for _, f := range q.Facets {
		if !slices.Contains(FilterFields, f) {
			return plan{}, invalid("facet %q is not one of %s", f, strings.Join(FilterFields, ", "))
		}
		if !slices.Contains(p.facets, f) {
			p.facets = append(p.facets, f)
		}
	}
	p.key = queryKey(p.text, p.mode, p.filters)
	if q.Cursor != "" {
		if p.offset, err = decodeCursor(q.Cursor, p.key); err != nil {
			return plan{}, err
		}
	}
	return p, nil
}

// cleanFilters checks the keys of f and returns its values trimmed, lowercased and
// without duplicates; fields left with no value are dropped, and nil means no filter.
func cleanFilters(f Filters) (Filters, error) {
	var out Filters
	for k, vals := range f {
		if !slices.Contains(FilterFields, k) {
			return nil, invalid("filter %q is not one of %s", k, strings.Join(FilterFields, ", "))
		}
		var clean []string
		for _, v := range vals {
			v = strings.ToLower(strings.TrimSpace(v))
			if v != "" && !slices.Contains(clean, v) {
				clean = append(clean, v)
			}
		}
		if len(clean) == 0 {
			continue
		}
		if out == nil {
			out = Filters{}
		}
		slices.Sort(clean)
		out[k] = clean
	}
	return out, nil
}

// depth is how many candidate chunks each retriever returns for a page at offset: three
// times what the pages up to it show, within [minDepth, maxDepth].
func depth(offset, limit int) int {
	return min(max((offset+limit)*3, minDepth), maxDepth)
}

// queryKey hashes what a cursor must agree with: the text, the mode and the filters.
func queryKey(text string, mode Mode, f Filters) string {
	h := sha256.New()
	put := func(s string) {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	put(text)
	put(string(mode))
	for _, k := range slices.Sorted(maps.Keys(f)) {
		put(k)
		vals := slices.Sorted(slices.Values(f[k]))
		h.Write(binary.AppendUvarint(nil, uint64(len(vals))))
		for _, v := range vals {
			put(v)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// cursor is what a page cursor carries, as JSON in base64url.
type cursor struct {
	Offset int    `json:"o"`
	Key    string `json:"k"`
}

// encodeCursor returns the cursor of the page at offset of the query with this key.
func encodeCursor(offset int, key string) string {
	return pagecursor.URL.Encode(cursor{Offset: offset, Key: key})
}

// decodeCursor returns the offset a cursor points to, checking it belongs to the query
// with this key.
func decodeCursor(s, key string) (int, error) {
	var c cursor
	if err := pagecursor.URL.Decode(s, &c); err != nil {
		return 0, invalid("cursor is malformed")
	}
	if c.Key != key {
		return 0, invalid("cursor does not belong to this query")
	}
	// Hybrid search can rank up to two retrievers' worth of candidates.
	if c.Offset < 0 || c.Offset > 2*maxDepth {
		return 0, invalid("cursor offset %d is out of range", c.Offset)
	}
	return c.Offset, nil
}

// checkText refuses a query text longer than MaxQueryChars or with a word longer than
// MaxWordChars. The message quotes at most the start of the word.
func checkText(text string) error {
	if n := utf8.RuneCountInString(text); n > MaxQueryChars {
		return invalid("query is %d characters long: at most %d are allowed", n, MaxQueryChars)
	}
	for _, t := range tokens(text) {
		if n := t.rend - t.rstart; n > MaxWordChars {
			return invalid("query word %q is %d characters long: at most %d are allowed",
				truncateRunes(text[t.start:t.end], 20), n, MaxWordChars)
		}
	}
	return nil
}

// truncateRunes returns s cut to at most n runes, with "…" when it was cut.
func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
