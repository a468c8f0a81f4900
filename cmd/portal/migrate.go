package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nextportal/portal/store"
)

func runMigrate(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs, envErr := cfg.newFlagSet("migrate", "migrate [flags]", stderr, env, "data-dir", "database-url", "log-format", "log-level")
	if err := fs.Parse(args); err != nil {
		return parseError(err)
	}
	if fs.NArg() > 0 {
		return usageError("migrate takes no arguments, got %q", fs.Arg(0))
	}
	if err := errors.Join(envErr, cfg.validate()); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	// Open applies every pending migration before it returns.
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: cfg.logger(stderr)})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer db.Close()
	_, err = fmt.Fprintf(stdout, "%s database is up to date\n", db.Engine())
	return err
}
