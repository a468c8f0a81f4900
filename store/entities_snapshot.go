package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/nextportal/portal/catalog"
)

// CatalogSnapshot reads the whole catalog in one read-only transaction (one snapshot): every
// entity with its parent, its search rows and the relation rows it produced. The catalog's
// in-memory read model is built from it.
func (db *DB) CatalogSnapshot(ctx context.Context) (catalog.Snapshot, error) {
	if err := db.settle(ctx); err != nil {
		return catalog.Snapshot{}, err
	}
	var snap catalog.Snapshot
	err := db.readIndex(ctx, "read catalog snapshot", func(tx *sql.Tx) error {
		version := catalog.NewVersion()
		byUID := map[string]int{}
		err := eachRow(ctx, tx, `SELECT `+entityColumns+`, e.parent_ref FROM entities e ORDER BY e.uid`, nil, func(rows *sql.Rows) error {
			var parent string
			e, ref, err := scanEntity(rows, &parent)
			if err != nil {
				return err
			}
			version.Add(e.Metadata.UID, e.Metadata.Etag)
			byUID[e.Metadata.UID] = len(snap.Entities)
			snap.Entities = append(snap.Entities, catalog.SnapshotEntity{Entity: e, Ref: ref, Parent: parent})
			return nil
		})
		if err != nil {
			return fmt.Errorf("entities: %w", err)
		}
		snap.Version = version.String()
		err = eachRow(ctx, tx, `SELECT originating_uid, source_ref, type, target_ref FROM relations`, nil, func(rows *sql.Rows) error {
			var uid string
			var r catalog.RelationRow
			if err := rows.Scan(&uid, &r.Source, &r.Type, &r.Target); err != nil {
				return err
			}
			if i, ok := byUID[uid]; ok {
				snap.Entities[i].Originated = append(snap.Entities[i].Originated, r)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("relations: %w", err)
		}
		err = eachRow(ctx, tx, `SELECT entity_uid, key, value, original_value FROM search`, nil, func(rows *sql.Rows) error {
			var uid string
			var value, orig sql.NullString
			var r catalog.SearchRow
			if err := rows.Scan(&uid, &r.Key, &value, &orig); err != nil {
				return err
			}
			i, ok := byUID[uid]
			if !ok {
				return nil
			}
			if value.Valid {
				r.Value = &value.String
			}
			if orig.Valid {
				r.OriginalValue = &orig.String
			}
			snap.Entities[i].Search = append(snap.Entities[i].Search, r)
			return nil
		})
		if err != nil {
			return fmt.Errorf("search rows: %w", err)
		}
		return nil
	})
	if err != nil {
		return catalog.Snapshot{}, err
	}
	return snap, nil
}

// CatalogVersion returns a fingerprint of the stored catalog that changes with every write
// to its entities: a hash of every (uid, etag) pair in uid order (catalog.Version). Every
// insert, update and delete of an entity changes the set, and an entity's relation and
// search rows are only written with it. It equals the Version of a CatalogSnapshot of the
// same state.
func (db *DB) CatalogVersion(ctx context.Context) (string, error) {
	v, err := catalogVersion(ctx, db.sql)
	if err != nil {
		return "", fmt.Errorf("catalog version: %w", err)
	}
	return v, nil
}

// catalogVersion computes CatalogVersion through q (the database or a transaction).
func catalogVersion(ctx context.Context, q querier) (string, error) {
	v := catalog.NewVersion()
	err := eachRow(ctx, q, `SELECT uid, etag FROM entities ORDER BY uid`, nil, func(rows *sql.Rows) error {
		var uid, etag string
		if err := rows.Scan(&uid, &etag); err != nil {
			return err
		}
		v.Add(uid, etag)
		return nil
	})
	if err != nil {
		return "", err
	}
	return v.String(), nil
}
