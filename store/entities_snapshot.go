package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/nextportal/portal/catalog"
)

// CatalogSnapshot reads the whole catalog in one read-only transaction (one snapshot): every
// entity with its relations and parent, every search row, and every relation row (also those
// whose source is not a stored entity). The catalog's in-memory read model is built from it.
func (db *DB) CatalogSnapshot(ctx context.Context) (catalog.Snapshot, error) {
	var snap catalog.Snapshot
	err := db.readIndex(ctx, "read catalog snapshot", func(tx *sql.Tx) error {
		byRef := map[string]int{}
		byUID := map[string]int{}
		err := eachRow(ctx, tx, `SELECT `+entityColumns+`, e.parent_ref FROM entities e ORDER BY e.uid`, nil, func(rows *sql.Rows) error {
			var parent string
			e, ref, err := scanEntity(rows, &parent)
			if err != nil {
				return err
			}
			byRef[ref] = len(snap.Entities)
			byUID[e.Metadata.UID] = len(snap.Entities)
			snap.Entities = append(snap.Entities, catalog.SnapshotEntity{Entity: e, Ref: ref, Parent: parent})
			return nil
		})
		if err != nil {
			return fmt.Errorf("entities: %w", err)
		}
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
