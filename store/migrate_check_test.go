package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/nextportal/portal/store"
)

// TestOpenNoMigrate: a read-only open never upgrades a schema. It refuses a database that
// lacks migrations, with ErrSchemaOutdated and a message naming `portal migrate`, and
// opens one that is current.
func TestOpenNoMigrate(t *testing.T) {
	for _, e := range rawEngines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			o := e.opts(t)
			ro := o
			ro.NoMigrate = true
			if db, err := store.Open(ctx, ro); !errors.Is(err, store.ErrSchemaOutdated) {
				if db != nil {
					db.Close()
				}
				t.Fatalf("Open(NoMigrate) of an empty database = %v, want ErrSchemaOutdated", err)
			}
			db, err := store.Open(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			db, err = store.Open(ctx, ro)
			if err != nil {
				t.Fatalf("Open(NoMigrate) of a current database: %v", err)
			}
			db.Close()

			// An older binary's database: the newest migration is missing.
			raw, err := sql.Open(e.driver(o))
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			newest := wantVersions[len(wantVersions)-1]
			if _, err := raw.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, newest); err != nil {
				t.Fatal(err)
			}
			_, err = store.Open(ctx, ro)
			if !errors.Is(err, store.ErrSchemaOutdated) {
				t.Fatalf("Open(NoMigrate) of an older schema = %v, want ErrSchemaOutdated", err)
			}
			var n int
			if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, newest).Scan(&n); err != nil || n != 0 {
				t.Errorf("the read-only open migrated (%d rows, %v)", n, err)
			}
		})
	}
}
