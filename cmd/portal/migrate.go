package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs, envErr := cfg.newFlagSet("migrate", "migrate [flags]", stderr, env, commandSettings["migrate"]...)
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "migrate", 0, "")); err != nil {
		return err
	}
	// Opening applies every pending migration before it returns.
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer a.Close()
	_, err = fmt.Fprintf(stdout, "%s database is up to date\n", a.db.Engine())
	return err
}
