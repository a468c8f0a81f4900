package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/nextportal/portal/catalog"
)

// CatalogSnapshot reads the whole catalog in one read-only transaction (one snapshot): every
// entity with its relations and parent, every search row, and every relation row (also those
// whose source is not a stored entity). The catalog's in-memory read model is built from it.
func (db *DB) CatalogSnapshot(ctx context.Context) (catalog.Snapshot, error) {
	var snap catalog.Snapshot
	err := db.readIndex(ctx, "read catalog snapshot", func(tx *sql.Tx) error {
		version := sha256.New()
		byRef := map[string]int{}
		byUID := map[string]int{}
		err := eachRow(ctx, tx, `SELECT `+entityColumns+`, e.parent_ref FROM entities e ORDER BY e.uid`, nil, func(rows *sql.Rows) error {
			var parent string
			e, ref, err := scanEntity(rows, &parent)
			if err != nil {
				return err
			}
			addVersion(version, e.Metadata.UID, e.Metadata.Etag)
			byRef[ref] = len(snap.Entities)
			byUID[e.Metadata.UID] = len(snap.Entities)
			snap.Entities = append(snap.Entities, catalog.SnapshotEntity{Entity: e, Ref: ref, Parent: parent})
			return nil
		})
		if err != nil {
			return fmt.Errorf("entities: %w", err)
		}
		snap.Version = hex.EncodeToString(version.Sum(nil))
		err = eachRow(ctx, tx, `SELECT DISTINCT source_ref, type, target_ref FROM relations ORDER BY source_ref, type, target_ref`, nil,
			func(rows *sql.Rows) error {
				var r catalog.RelationRow
				if err := rows.Scan(&r.Source, &r.Type, &r.Target); err != nil {
					return err
				}
				snap.Relations = append(snap.Relations, r)
				if i, ok := byRef[r.Source]; ok {
					e := &snap.Entities[i].Entity
					e.Relations = append(e.Relations, catalog.Relation{Type: r.Type, TargetRef: r.Target})
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

// addVersion adds one entity to a catalog version hash.
func addVersion(h hash.Hash, uid, etag string) {
	h.Write([]byte(uid))
	h.Write([]byte{0})
	h.Write([]byte(etag))
	h.Write([]byte{'\n'})
}

// CatalogVersion returns a fingerprint of the stored catalog that changes with every write
// to its entities: a hash of every (uid, etag) pair in uid order. Every insert, update and
// delete of an entity changes the set, and an entity's relation and search rows are only
// written with it. It equals the Version of a CatalogSnapshot of the same state.
func (db *DB) CatalogVersion(ctx context.Context) (string, error) {
	h := sha256.New()
	err := eachRow(ctx, db.sql, `SELECT uid, etag FROM entities ORDER BY uid`, nil, func(rows *sql.Rows) error {
		var uid, etag string
		if err := rows.Scan(&uid, &etag); err != nil {
			return err
		}
		addVersion(h, uid, etag)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("catalog version: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
