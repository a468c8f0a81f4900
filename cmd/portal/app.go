package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// schemaMode says what opening the database may do to its schema.
type schemaMode int

const (
	// upgradeSchema applies pending migrations: serve, migrate and commands that write.
	upgradeSchema schemaMode = iota
	// currentSchema refuses a schema older than the binary: read-only commands, which must
	// never upgrade a production database behind its operators' backs.
	currentSchema
)

// app is the application, built once by newApp from a validated Config: the logger, the
// database and the services over it. serve and every CLI command use it. Background loops
// run under it, and Close stops and waits for them before it closes the search index and
// then the database.
type app struct {
	cfg     *Config
	logger  *slog.Logger
	db      *store.DB
	catalog *catalog.Service

	closers []func() error // run in reverse order by Close, before the database closes

	loopCtx  context.Context
	stopLoop context.CancelFunc
	loops    sync.WaitGroup
}

// newApp opens the database cfg names (upgrading its schema or requiring it current, as
// mode says) and builds the services over it. ctx bounds the opening and is the parent of
// every background loop. Call Close when done.
func newApp(ctx context.Context, cfg *Config, stderr io.Writer, mode schemaMode) (*app, error) {
	logger := cfg.logger(stderr)
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: logger,
		NoMigrate: mode == currentSchema})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	a := &app{cfg: cfg, logger: logger, db: db, catalog: catalog.NewService(db, cfg.catalogRoots())}
	a.loopCtx, a.stopLoop = context.WithCancel(ctx)
	return a, nil
}

// authService returns the auth service over the database, with the catalog as its
// directory of users and groups.
func (a *app) authService() (*auth.Service, error) { return newAuthService(a.cfg, a.db, a.catalog) }

// searchIndex opens the search index (see openIndexer); Close closes it.
func (a *app) searchIndex(ctx context.Context, writeOnly bool) (*indexer.Service, error) {
	ix, err := openIndexer(ctx, a.cfg, a.db, a.logger, writeOnly)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, ix.Close)
	return ix, nil
}

// goLoop runs loop in the background until Close (or newApp's ctx) ends its context.
// Close waits for it, so a loop never outlives the index or the database it uses.
func (a *app) goLoop(loop func(ctx context.Context)) {
	a.loops.Go(func() { loop(a.loopCtx) })
}

// Close stops the background loops and waits for them, then closes what was opened
// (the search index) and last the database.
func (a *app) Close() error {
	a.stopLoop()
	a.loops.Wait()
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	errs = append(errs, a.db.Close())
	return errors.Join(errs...)
}

// parseCommand parses a command's flags, runs checkArgs on what remains, then validates
// the config: everything a command checks before it opens the database, so a usage
// mistake never touches (or migrates) it.
func parseCommand(cfg *Config, fs *flag.FlagSet, envErr error, args []string, checkArgs func() error) error {
	if err := fs.Parse(args); err != nil {
		return parseError(err)
	}
	if checkArgs != nil {
		if err := checkArgs(); err != nil {
			return err
		}
	}
	if err := errors.Join(envErr, cfg.validate()); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// leadingArg splits off a positional argument given before the flags ("costs import FILE
// --provider aws"), which the flag package would take as the end of the flags.
func leadingArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// oneArg returns a checkArgs for parseCommand that wants one argument, described by what,
// given before the flags (already in *arg, from leadingArg) or after them; it leaves it in *arg.
func oneArg(fs *flag.FlagSet, command, what string, arg *string) func() error {
	return func() error {
		switch {
		case *arg == "" && fs.NArg() == 1:
			*arg = fs.Arg(0)
		case fs.NArg() > 0:
			return usageError("%s takes one %s, got %q too", command, what, fs.Arg(0))
		}
		if *arg == "" {
			article := "a"
			if strings.ContainsRune("AEIOUaeiou", rune(what[0])) {
				article = "an"
			}
			return usageError("%s needs %s %s", command, article, what)
		}
		return nil
	}
}

// nArgs returns a checkArgs for parseCommand that wants exactly n arguments, each
// described by what ("REF", "PATH").
func nArgs(fs *flag.FlagSet, command string, n int, what string) func() error {
	return func() error {
		switch {
		case fs.NArg() == n:
			return nil
		case n == 0:
			return usageError("%s takes no arguments, got %q", command, fs.Arg(0))
		default:
			return usageError("%s takes one %s, got %d arguments", command, what, fs.NArg())
		}
	}
}
