package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store"
)

var serveFlags = slices.Concat([]string{"addr", "data-dir", "database-url", "file-location-roots", "demo",
	"log-format", "log-level", "max-body-bytes", "shutdown-timeout", "refresh-interval",
	"static-tokens", "session-ttl", "secure-cookies", "metrics-public", "trusted-proxies",
	"oidc-issuer", "oidc-client-id", "oidc-client-secret", "oidc-redirect-url", "oidc-claim", "oidc-role"}, searchFlags, chatFlags)

func runServe(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs, envErr := cfg.newFlagSet("serve", "serve [flags]", stderr, env, serveFlags...)
	if err := fs.Parse(args); err != nil {
		return parseError(err)
	}
	if fs.NArg() > 0 {
		return usageError("serve takes no arguments, got %q", fs.Arg(0))
	}
	if err := errors.Join(envErr, cfg.validate()); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	logger := cfg.logger(stderr)
	slog.SetDefault(logger)
	logger.Info("starting", "version", version, "addr", cfg.Addr, "data_dir", cfg.DataDir,
		"database", engineName(cfg), "database_url", redactedURL(cfg.DatabaseURL),
		"file_location_roots", cfg.FileLocationRoots, "demo", cfg.Demo,
		"static_tokens", len(cfg.StaticTokens), "oidc_issuer", cfg.OIDCIssuer, "metrics_public", cfg.MetricsPublic)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The portal's own work (the demo import, periodic refresh) sees and may do everything.
	sysCtx := auth.NewContext(ctx, auth.System())

	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: logger})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()

	roots := cfg.FileLocationRoots
	var demoPath string
	if cfg.Demo {
		demoDir := filepath.Join(cfg.DataDir, "demo")
		if demoPath, err = demo.Extract(demoDir); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		roots = append(roots, demoDir)
	}
	svc := catalog.NewService(db, roots)
	if demoPath != "" {
		added, applied, err := svc.Import(sysCtx, demoPath)
		if err != nil {
			return fmt.Errorf("load demo organisation: %w", err)
		}
		logger.Info("demo organisation loaded", "location", added.Location.Target,
			"added", applied.Added, "updated", applied.Updated, "unchanged", applied.Unchanged, "removed", applied.Removed)
	}

	authSvc, err := newAuthService(&cfg, db, svc)
	if err != nil {
		return err
	}
	if err := checkLogin(sysCtx, &cfg, authSvc); err != nil {
		return err
	}
	if cfg.Demo {
		if err := printDemoToken(sysCtx, authSvc, stdout); err != nil {
			return err
		}
	}

	ix, err := openIndexer(ctx, &cfg, db, logger, false)
	if err != nil {
		return err
	}
	defer ix.Close()
	searcher := newSearchIndexer(ix, searchSources(&cfg, svc, roots), logger)
	chat, err := newServeAssistant(&cfg, db, svc, ix, logger)
	if err != nil {
		return err
	}

	deps := api.Deps{Catalog: svc, Search: ix, CatalogChanged: searcher.refreshed, Auth: authSvc, Logger: logger, Ready: db.Ping, MaxBodyBytes: cfg.MaxBodyBytes,
		Version: version, Demo: cfg.Demo, MetricsPublic: cfg.MetricsPublic, SecureCookies: cfg.SecureCookies,
		TrustedProxies: cfg.TrustedProxies, Assistant: chat}
	if cfg.OIDCIssuer != "" {
		deps.OIDC = &api.OIDCConfig{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: string(cfg.OIDCClientSecret),
			RedirectURL: cfg.OIDCRedirectURL, Claim: cfg.OIDCClaim}
	}
	srv := api.NewServer(deps)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// The search indexer stops (and its run finishes) before the index is closed.
	searchCtx, stopSearch := context.WithCancel(sysCtx)
	searchDone := make(chan struct{})
	go func() { defer close(searchDone); searcher.run(searchCtx) }()
	defer func() { stopSearch(); <-searchDone }()
	if cfg.RefreshInterval > 0 {
		go refreshLoop(sysCtx, svc, cfg.RefreshInterval, logger, searcher.refreshed)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "NEXT Portal is running at %s\n", publicURL(ln.Addr()))

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// publicURL is the URL to print for a listener: localhost for wildcard addresses.
func publicURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(tcp.Port)))
}

func engineName(cfg Config) string {
	if cfg.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// parseError turns a flag parsing error into a usage error (help is not an error).
func parseError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError("%v", err)
}
