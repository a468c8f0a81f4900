package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nextportal/portal/store"
)

// TestAppCloseJoinsLoops: Close waits for every background loop to return before it
// closes the database, so a loop still finishing its work never meets a closed database.
func TestAppCloseJoinsLoops(t *testing.T) {
	cfg := defaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.LogLevel = "error"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(t.Context(), &cfg, io.Discard, upgradeSchema)
	if err != nil {
		t.Fatal(err)
	}
	var finished atomic.Int32
	var lastErr atomic.Value
	started := make(chan struct{}, 2)
	for range 2 {
		a.goLoop(func(ctx context.Context) {
			started <- struct{}{}
			<-ctx.Done()
			time.Sleep(50 * time.Millisecond) // a refresh that takes a moment to finish
			// The loop's last write uses a context that outlives the cancellation.
			if err := a.db.Ping(context.WithoutCancel(ctx)); err != nil {
				lastErr.Store(err)
			}
			finished.Add(1)
		})
	}
	<-started
	<-started
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if n := finished.Load(); n != 2 {
		t.Errorf("Close returned with %d of 2 loops finished", n)
	}
	if err, _ := lastErr.Load().(error); err != nil {
		t.Errorf("a loop met a closed database: %v", err)
	}
}

// TestArgsCheckedBeforeDatabase: a command called wrongly says so without opening (or
// creating, or migrating) the database.
func TestArgsCheckedBeforeDatabase(t *testing.T) {
	for _, args := range [][]string{
		{"catalog", "get"},
		{"catalog", "get", "a", "b"},
		{"catalog", "import"},
		{"catalog", "list", "--limit", "-1"},
		{"search"},
		{"search", "--mode", "psychic", "x"},
		{"index", "stray"},
		{"index", "stats", "stray"},
		{"reindex", "stray"},
		{"migrate", "stray"},
		{"user", "add"},
		{"user", "add", "--role", "root", "ada"},
		{"user", "disable"},
		{"token", "create"},
		{"token", "revoke"},
		{"serve", "stray"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
			err := run(t.Context(), args, env, strings.NewReader(""), io.Discard, io.Discard)
			if !errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v, want a usage error", args, err)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("run(%q) touched the data dir before checking its arguments (%v)", args, err)
			}
		})
	}
}

// readOnlyCommands never upgrade the schema.
var readOnlyCommands = [][]string{
	{"search", "billing"},
	{"catalog", "get", "component:billing-api"},
	{"catalog", "list"},
	{"index", "stats"},
}

// TestReadOnlyCommandsRefuseOlderSchema: search, catalog get/list and index stats never
// upgrade the schema; they say to run `portal migrate`, which does.
func TestReadOnlyCommandsRefuseOlderSchema(t *testing.T) {
	ctx := t.Context()
	refuse := func(t *testing.T, env func(string) string) {
		t.Helper()
		for _, args := range readOnlyCommands {
			err := run(ctx, args, env, nil, io.Discard, io.Discard)
			if !errors.Is(err, store.ErrSchemaOutdated) || !strings.Contains(err.Error(), "portal migrate") {
				t.Errorf("run(%q) on an older schema = %v, want ErrSchemaOutdated naming portal migrate", args, err)
			}
		}
	}
	t.Run("a database with no schema yet", func(t *testing.T) {
		dir := t.TempDir()
		env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
		refuse(t, env)
		if err := run(ctx, []string{"migrate"}, env, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		for _, args := range readOnlyCommands[2:] {
			if err := run(ctx, args, env, nil, io.Discard, io.Discard); err != nil {
				t.Errorf("run(%q) after migrate: %v", args, err)
			}
		}
	})
	t.Run("an older binary's database", func(t *testing.T) {
		dir := t.TempDir()
		env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
		if err := run(ctx, []string{"migrate"}, env, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open("sqlite", filepath.Join(dir, "portal.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var newest string
		if err := raw.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&newest); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, newest); err != nil {
			t.Fatal(err)
		}
		refuse(t, env)
		var n int
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, newest).Scan(&n); err != nil || n != 0 {
			t.Errorf("a read-only command upgraded the schema (%d, %v)", n, err)
		}
	})
}
