package store

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// indexedPositions pages a query with exactly one Order without sorting its matches: it
// walks the search index (key, value, entity_uid) in order from the cursor, checking each
// entity against the filter, and stops when the page is full, so a page costs about its
// own size rather than the number of matches. Entities without a value for the field come
// last, in uid order, from a second walk over the entities' primary key.
//
// The result is the same as pageQuery's: positions in query order (reversed for Before),
// with the one extra row that tells whether there are more.
func (db *DB) indexedPositions(ctx context.Context, q catalog.Query) ([]catalog.Position, error) {
	key := strings.ToLower(strings.TrimSpace(q.OrderBy[0].Field))
	reverse := q.Before != nil
	desc := q.OrderBy[0].Desc != reverse // the direction of this walk
	from := cmp.Or(q.After, q.Before)
	inNulls := from != nil && from.Values[0] == nil
	var out []catalog.Position
	need := func() int { // rows still wanted; -1 means no limit
		if q.Limit == 0 {
			return -1
		}
		return q.Limit + 1 - len(out)
	}
	valued := func(from *catalog.Position) error {
		ps, err := db.walkValued(ctx, q, key, desc, from, need())
		out = append(out, ps...)
		return err
	}
	nulls := func(from *catalog.Position) error {
		ps, err := db.walkNulls(ctx, q, key, desc, from, need())
		out = append(out, ps...)
		return err
	}
	// Forwards the valued entities come first, backwards the ones without a value.
	switch {
	case !reverse && !inNulls:
		if err := valued(from); err != nil || need() == 0 {
			return out, err
		}
		return out, nulls(nil)
	case !reverse:
		return out, nulls(from)
	case inNulls:
		if err := nulls(from); err != nil || need() == 0 {
			return out, err
		}
		return out, valued(nil)
	default:
		return out, valued(from)
	}
}

// walkValued returns up to limit (-1: all) matching entities that have a value for key,
// in (value, uid) order, descending if desc, strictly past from when it is set.
func (db *DB) walkValued(ctx context.Context, q catalog.Query, key string, desc bool, from *catalog.Position, limit int) ([]catalog.Position, error) {
	var b builder
	fmt.Fprintf(&b, `SELECT s.entity_uid, s.value FROM search s WHERE s.key = %s AND s.value IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM search m WHERE m.entity_uid = s.entity_uid AND m.key = %s AND m.value < s.value)
		AND EXISTS (SELECT 1 FROM entities e WHERE e.uid = s.entity_uid AND `, b.arg(key), b.arg(key))
	if err := b.where(db.dialect, q.Filter, q.FullText); err != nil {
		return nil, err
	}
	b.WriteString(")")
	if from != nil {
		fmt.Fprintf(&b, " AND (s.value, s.entity_uid) %s (%s, %s)", pick(desc, "<", ">"), b.arg(*from.Values[0]), b.arg(from.UID))
	}
	dir := pick(desc, "DESC", "ASC")
	fmt.Fprintf(&b, " ORDER BY s.value %s, s.entity_uid %s %s", dir, dir, db.dialect.limitOffset(max(limit, 0), 0))
	return db.scanPositions(ctx, &b, true)
}

// walkNulls returns up to limit (-1: all) matching entities without a value for key, in
// uid order, descending if desc, strictly past from when it is set.
func (db *DB) walkNulls(ctx context.Context, q catalog.Query, key string, desc bool, from *catalog.Position, limit int) ([]catalog.Position, error) {
	var b builder
	fmt.Fprintf(&b, `SELECT e.uid FROM entities e WHERE NOT EXISTS (SELECT 1 FROM search s
		WHERE s.entity_uid = e.uid AND s.key = %s AND s.value IS NOT NULL) AND `, b.arg(key))
	if err := b.where(db.dialect, q.Filter, q.FullText); err != nil {
		return nil, err
	}
	if from != nil {
		fmt.Fprintf(&b, " AND e.uid %s %s", pick(desc, "<", ">"), b.arg(from.UID))
	}
	fmt.Fprintf(&b, " ORDER BY e.uid %s %s", pick(desc, "DESC", "ASC"), db.dialect.limitOffset(max(limit, 0), 0))
	return db.scanPositions(ctx, &b, false)
}

// scanPositions runs b, whose rows are a uid and, if valued, one sort value.
func (db *DB) scanPositions(ctx context.Context, b *builder, valued bool) ([]catalog.Position, error) {
	return collectRows(ctx, db.sql, b.String(), b.args, func(sc scanner) (catalog.Position, error) {
		p := catalog.Position{Values: make([]*string, 1)}
		dest := []any{&p.UID}
		if valued {
			dest = append(dest, &p.Values[0])
		}
		err := sc.Scan(dest...)
		return p, err
	})
}
