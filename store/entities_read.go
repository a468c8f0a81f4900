package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// entityColumns are the columns scanEntity reads, from the entities row "e".
const entityColumns = "e.uid, e.ref, e.etag, e.generation, e.body"

type scanner interface{ Scan(dest ...any) error }

// scanEntity reads entityColumns (then extra) into an Entity and its ref.
func scanEntity(sc scanner, extra ...any) (catalog.Entity, string, error) {
	var (
		e                    catalog.Entity
		uid, ref, etag, body string
		gen                  int64
	)
	if err := sc.Scan(append([]any{&uid, &ref, &etag, &gen, &body}, extra...)...); err != nil {
		return e, "", err
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		return e, "", fmt.Errorf("decode entity %s: %w", ref, err)
	}
	e.Metadata.UID, e.Metadata.Etag, e.Metadata.Generation = uid, etag, gen
	return e, ref, nil
}

// EntityByRef returns the entity with that canonical ref, with its relations.
func (db *DB) EntityByRef(ctx context.Context, ref string) (catalog.Entity, error) {
	return db.entityBy(ctx, "ref", strings.ToLower(ref))
}

// EntityByUID returns the entity with that uid, with its relations.
func (db *DB) EntityByUID(ctx context.Context, uid string) (catalog.Entity, error) {
	return db.entityBy(ctx, "uid", uid)
}

func (db *DB) entityBy(ctx context.Context, column, key string) (catalog.Entity, error) {
	if err := db.settle(ctx); err != nil {
		return catalog.Entity{}, err
	}
	q := `SELECT ` + entityColumns + ` FROM entities e WHERE e.` + column + ` = $1`
	e, ref, err := scanEntity(db.sql.QueryRowContext(ctx, q, key))
	if err != nil {
		return catalog.Entity{}, translate(fmt.Sprintf("entity by %s %s", column, key), err)
	}
	rels, err := db.relationsOf(ctx, []string{ref})
	if err != nil {
		return catalog.Entity{}, err
	}
	e.Relations = rels[ref]
	return e, nil
}

// EntitiesByRefs returns, in the order of refs, each entity that exists and matches filter
// (nil where none does), with relations.
func (db *DB) EntitiesByRefs(ctx context.Context, refs []string, filter catalog.Filter) ([]*catalog.Entity, error) {
	if err := db.settle(ctx); err != nil {
		return nil, err
	}
	found := make(map[string]*catalog.Entity, len(refs))
	for _, chunk := range chunks(lowerAll(refs), db.dialect.maxParams/2) {
		var b builder
		fmt.Fprintf(&b, "SELECT %s FROM entities e WHERE e.ref IN (%s) AND ", entityColumns, b.list(chunk))
		if err := b.where(db.dialect, filter, nil); err != nil {
			return nil, fmt.Errorf("entities by refs: %w", err)
		}
		if err := db.queryEntities(ctx, &b, func(e catalog.Entity, ref string) { found[ref] = &e }); err != nil {
			return nil, fmt.Errorf("entities by refs: %w", err)
		}
	}
	if err := db.fillRelations(ctx, found); err != nil {
		return nil, err
	}
	out := make([]*catalog.Entity, len(refs))
	for i, r := range refs {
		out[i] = found[strings.ToLower(r)]
	}
	return out, nil
}

// queryEntities runs b's query, whose columns are entityColumns, and calls fn for each row.
func (db *DB) queryEntities(ctx context.Context, b *builder, fn func(catalog.Entity, string)) error {
	return eachRow(ctx, db.sql, b.String(), b.args, func(rows *sql.Rows) error {
		e, ref, err := scanEntity(rows)
		if err != nil {
			return err
		}
		fn(e, ref)
		return nil
	})
}

// fillRelations sets the Relations of every entity in byRef (keyed by ref) in one query
// per chunk of refs.
func (db *DB) fillRelations(ctx context.Context, byRef map[string]*catalog.Entity) error {
	refs := make([]string, 0, len(byRef))
	for r := range byRef {
		refs = append(refs, r)
	}
	rels, err := db.relationsOf(ctx, refs)
	if err != nil {
		return err
	}
	for r, e := range byRef {
		e.Relations = rels[r]
	}
	return nil
}

// relationsOf returns the distinct outgoing relations of each ref, sorted by type then target.
func (db *DB) relationsOf(ctx context.Context, refs []string) (map[string][]catalog.Relation, error) {
	out := make(map[string][]catalog.Relation, len(refs))
	for _, chunk := range chunks(refs, db.dialect.maxParams) {
		var b builder
		fmt.Fprintf(&b, `SELECT DISTINCT source_ref, type, target_ref FROM relations
			WHERE source_ref IN (%s) ORDER BY source_ref, type, target_ref`, b.list(chunk))
		err := eachRow(ctx, db.sql, b.String(), b.args, func(rows *sql.Rows) error {
			var src string
			var r catalog.Relation
			if err := rows.Scan(&src, &r.Type, &r.TargetRef); err != nil {
				return err
			}
			out[src] = append(out[src], r)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read relations: %w", err)
		}
	}
	return out, nil
}

// RelationTargets returns the distinct targets of the relations of type typ, sorted.
func (db *DB) RelationTargets(ctx context.Context, typ string) ([]string, error) {
	if err := db.settle(ctx); err != nil {
		return nil, err
	}
	var out []string // nil when there are none
	err := eachRow(ctx, db.sql, `SELECT DISTINCT lower(target_ref) AS t FROM relations WHERE lower(type) = $1 ORDER BY t`,
		[]any{strings.ToLower(strings.TrimSpace(typ))}, func(rows *sql.Rows) error {
			t, err := scanString(rows)
			out = append(out, t)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("relation targets of %s: %w", typ, err)
	}
	return out, nil
}

// ExistingRefs reports which of refs name a stored entity that matches filter.
func (db *DB) ExistingRefs(ctx context.Context, refs []string, filter catalog.Filter) (map[string]bool, error) {
	if err := db.settle(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(refs))
	given := make(map[string][]string, len(refs)) // lowercased ref -> refs as given
	for _, r := range refs {
		out[r] = false
		given[strings.ToLower(r)] = append(given[strings.ToLower(r)], r)
	}
	for _, chunk := range chunks(lowerAll(refs), db.dialect.maxParams/2) {
		var b builder
		fmt.Fprintf(&b, `SELECT e.ref FROM entities e WHERE e.ref IN (%s) AND `, b.list(chunk))
		if err := b.where(db.dialect, filter, nil); err != nil {
			return nil, fmt.Errorf("existing refs: %w", err)
		}
		err := eachRow(ctx, db.sql, b.String(), b.args, func(rows *sql.Rows) error {
			r, err := scanString(rows)
			if err != nil {
				return err
			}
			for _, g := range given[r] {
				out[g] = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("existing refs: %w", err)
		}
	}
	return out, nil
}

// ParentRef returns the ref of the entity that emitted ref ("" for a root), or ErrNotFound.
func (db *DB) ParentRef(ctx context.Context, ref string) (string, error) {
	var parent string
	err := db.sql.QueryRowContext(ctx, `SELECT parent_ref FROM entities WHERE ref = $1`, strings.ToLower(ref)).Scan(&parent)
	if err != nil {
		return "", translate("parent of entity "+ref, err)
	}
	return parent, nil
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// chunks splits s into pieces of at most n elements.
func chunks[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}
