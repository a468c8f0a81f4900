package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// QueryEntities returns one page of entities matching q, with relations and positions.
//
// Each Order sorts by the smallest search value the entity has for its field, entities
// without one last in both directions; ties are broken by uid, in the direction of the last
// Order (ascending when there is none), so that a single order is one index scan. After and Before page by keyset: the
// rows strictly after (before) the position in that order. A Before page is read in reverse
// and flipped, so it comes back in ascending query order.
//
// The page is found on uids and sort values alone; only its entities' bodies are read.
func (db *DB) QueryEntities(ctx context.Context, q catalog.Query) (catalog.Page, error) {
	if err := checkQuery(q); err != nil {
		return catalog.Page{}, fmt.Errorf("query entities: %w", err)
	}
	if err := db.settle(ctx); err != nil {
		return catalog.Page{}, err
	}
	total, err := db.countEntities(ctx, q)
	if err != nil {
		return catalog.Page{}, err
	}
	positions, err := db.pagePositions(ctx, q)
	if err != nil {
		return catalog.Page{}, fmt.Errorf("query entities: %w", err)
	}
	page := catalog.Page{Total: total, Entities: []catalog.Entity{}, Positions: []catalog.Position{}}
	if q.Limit > 0 && len(positions) > q.Limit {
		page.HasMore = true
		positions = positions[:q.Limit]
	}
	if q.Before != nil {
		slices.Reverse(positions)
	}
	byUID, err := db.entitiesByUID(ctx, positions)
	if err != nil {
		return catalog.Page{}, fmt.Errorf("query entities: %w", err)
	}
	for _, pos := range positions {
		// An entity deleted since the positions were read is left out.
		if e, ok := byUID[pos.UID]; ok {
			page.Entities = append(page.Entities, *e)
			page.Positions = append(page.Positions, pos)
		}
	}
	byRef := make(map[string]*catalog.Entity, len(page.Entities))
	for i := range page.Entities {
		byRef[page.Entities[i].Ref().String()] = &page.Entities[i]
	}
	if err := db.fillRelations(ctx, byRef); err != nil {
		return catalog.Page{}, fmt.Errorf("query entities: %w", err)
	}
	return page, nil
}

// pagePositions runs the page query and returns the positions it selected, in query order
// (reversed for Before), including the one extra row that tells whether there are more.
func (db *DB) pagePositions(ctx context.Context, q catalog.Query) ([]catalog.Position, error) {
	if len(q.OrderBy) == 1 && q.Offset == 0 {
		return db.indexedPositions(ctx, q)
	}
	b, err := db.pageQuery(q)
	if err != nil {
		return nil, err
	}
	n := len(q.OrderBy)
	return collectRows(ctx, db.sql, b.String(), b.args, func(sc scanner) (catalog.Position, error) {
		vals := make([]sql.NullString, n)
		pos := catalog.Position{Values: make([]*string, n)}
		dest := []any{&pos.UID}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := sc.Scan(dest...); err != nil {
			return pos, err
		}
		for i, v := range vals {
			if v.Valid {
				pos.Values[i] = &v.String
			}
		}
		return pos, nil
	})
}

// entitiesByUID reads the entities at positions, by uid.
func (db *DB) entitiesByUID(ctx context.Context, positions []catalog.Position) (map[string]*catalog.Entity, error) {
	out := make(map[string]*catalog.Entity, len(positions))
	uids := make([]string, len(positions))
	for i, p := range positions {
		uids[i] = p.UID
	}
	for _, chunk := range chunks(uids, db.dialect.maxParams) {
		var b builder
		fmt.Fprintf(&b, "SELECT %s FROM entities e WHERE e.uid IN (%s)", entityColumns, b.list(chunk))
		if err := db.queryEntities(ctx, &b, func(e catalog.Entity, _ string) { out[e.Metadata.UID] = &e }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func checkQuery(q catalog.Query) error {
	switch {
	case q.Limit < 0 || q.Offset < 0:
		return errkind.Errorf(catalog.ErrInvalid, "negative limit or offset")
	case q.After != nil && q.Before != nil:
		return errkind.Errorf(catalog.ErrInvalid, "both after and before positions given")
	}
	for _, o := range q.OrderBy {
		if strings.TrimSpace(o.Field) == "" {
			return errkind.Errorf(catalog.ErrInvalid, "order with an empty field")
		}
	}
	for _, p := range []*catalog.Position{q.After, q.Before} {
		if p != nil && len(p.Values) != len(q.OrderBy) {
			return errkind.Errorf(catalog.ErrInvalid, "cursor has %d sort values but the query orders by %d fields", len(p.Values), len(q.OrderBy))
		}
	}
	return nil
}

func (db *DB) countEntities(ctx context.Context, q catalog.Query) (int, error) {
	var b builder
	b.WriteString("SELECT COUNT(*) FROM entities e WHERE ")
	if err := b.where(db.dialect, q.Filter, q.FullText); err != nil {
		return 0, fmt.Errorf("count entities: %w", err)
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, b.String(), b.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count entities: %w", err)
	}
	return n, nil
}

// pageQuery builds the page query: a materialized set of the matching entities' uids with
// their sort values o0, o1, … (so each correlated lookup runs once per entity), then the
// keyset condition, order and limit over it.
func (db *DB) pageQuery(q catalog.Query) (*builder, error) {
	b := &builder{}
	if len(q.OrderBy) == 0 {
		// Only uids to compare: let the planner walk the primary key in order.
		b.WriteString("WITH p AS (SELECT e.uid")
	} else {
		b.WriteString("WITH p AS MATERIALIZED (SELECT e.uid")
	}
	for i, o := range q.OrderBy {
		fmt.Fprintf(b, ", (SELECT MIN(s.value) FROM search s WHERE s.entity_uid = e.uid AND s.key = %s) AS o%d",
			b.arg(strings.ToLower(strings.TrimSpace(o.Field))), i)
	}
	b.WriteString(" FROM entities e WHERE ")
	if err := b.where(db.dialect, q.Filter, q.FullText); err != nil {
		return nil, err
	}
	b.WriteString(") SELECT uid")
	for i := range q.OrderBy {
		fmt.Fprintf(b, ", o%d", i)
	}
	b.WriteString(" FROM p")
	reverse := q.Before != nil
	if pos := cmp.Or(q.After, q.Before); pos != nil {
		b.WriteString(" WHERE ")
		b.keyset(q.OrderBy, *pos, reverse)
	}
	b.WriteString(" ORDER BY ")
	for i, o := range q.OrderBy {
		desc := o.Desc != reverse
		fmt.Fprintf(b, "o%d %s NULLS %s, ", i, pick(desc, "DESC", "ASC"), pick(reverse, "FIRST", "LAST"))
	}
	b.WriteString(pick(uidDesc(q.OrderBy) != reverse, "uid DESC ", "uid ASC "))
	limit := q.Limit
	if limit > 0 {
		limit++ // one more row tells whether there are more
	}
	b.WriteString(db.dialect.limitOffset(limit, q.Offset))
	return b, nil
}

// keyset writes the condition "row comes after pos" in the order (before it, if reverse):
// for some i, the rows equal pos on columns 0..i-1 and are strictly past it on column i,
// where column len(order) is the uid.
func (b *builder) keyset(order []catalog.Order, pos catalog.Position, reverse bool) {
	b.WriteString("(")
	for i := 0; i <= len(order); i++ {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("(")
		for j := 0; j < i; j++ {
			b.WriteString(equalTo(b, j, pos.Values[j]) + " AND ")
		}
		if i == len(order) {
			fmt.Fprintf(b, "uid %s %s", pick(uidDesc(order) != reverse, "<", ">"), b.arg(pos.UID))
		} else {
			b.WriteString(pastValue(b, i, pos.Values[i], order[i].Desc, reverse))
		}
		b.WriteString(")")
	}
	b.WriteString(")")
}

// equalTo is the condition "column oI equals v" (both missing when v is nil).
func equalTo(b *builder, i int, v *string) string {
	if v == nil {
		return fmt.Sprintf("o%d IS NULL", i)
	}
	return fmt.Sprintf("o%d = %s", i, b.arg(*v))
}

// pastValue is the condition "column oI sorts strictly after v" (before v, if reverse),
// with missing values last.
func pastValue(b *builder, i int, v *string, desc, reverse bool) string {
	switch {
	case v == nil && !reverse:
		return "1 = 0" // nothing sorts after a missing value
	case v == nil:
		return fmt.Sprintf("o%d IS NOT NULL", i)
	}
	op := pick(desc != reverse, "<", ">")
	if reverse {
		return fmt.Sprintf("o%d %s %s", i, op, b.arg(*v))
	}
	return fmt.Sprintf("(o%d %s %s OR o%d IS NULL)", i, op, b.arg(*v), i)
}

// pick returns a if c, else b.
func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

// uidDesc reports whether ties are broken by descending uid: when the last order is descending.
func uidDesc(order []catalog.Order) bool {
	return len(order) > 0 && order[len(order)-1].Desc
}
