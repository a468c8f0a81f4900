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
	"syscall"
	"time"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/demo"
)

func runServe(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs, envErr := cfg.newFlagSet("serve", "serve [flags]", stderr, env, commandSettings["serve"]...)
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "serve", 0, "")); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The portal's own work (the demo import, periodic refresh) sees and may do everything.
	sysCtx := auth.NewContext(ctx, auth.System())
	demoPath, err := prepareDemo(&cfg)
	if err != nil {
		return err
	}
	logger := cfg.logger(stderr)
	slog.SetDefault(logger)
	logger.Info("starting", "version", version, "addr", cfg.Addr, "data_dir", cfg.DataDir,
		"database", engineName(cfg), "database_url", redactedURL(cfg.DatabaseURL),
		"file_location_roots", cfg.FileLocationRoots, "demo", cfg.Demo,
		"static_tokens", len(cfg.StaticTokens), "oidc_issuer", cfg.OIDCIssuer, "metrics_public", cfg.MetricsPublic)
	a, err := newApp(sysCtx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.useReadModel(sysCtx); err != nil {
		return err
	}

	deps, err := a.serverDeps(sysCtx, demoPath, stdout)
	if err != nil {
		return err
	}
	return a.serveHTTP(ctx, api.NewServer(deps), stdout)
}

// prepareDemo extracts the demo organisation under the data dir, when cfg asks for it,
// and lets file locations read it. It returns the demo's catalog path, or "".
func prepareDemo(cfg *Config) (string, error) {
	if !cfg.Demo {
		return "", nil
	}
	demoDir := filepath.Join(cfg.DataDir, "demo")
	p, err := demo.Extract(demoDir)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	cfg.FileLocationRoots = append(cfg.FileLocationRoots, demoDir)
	return p, nil
}

// serverDeps loads the demo (if any), builds auth and search, starts the background loops
// (search indexing, periodic refresh) and returns what the HTTP server needs.
func (a *app) serverDeps(ctx context.Context, demoPath string, stdout io.Writer) (api.Deps, error) {
	cfg := a.cfg
	if demoPath != "" {
		added, applied, err := a.catalog.Import(ctx, demoPath)
		if err != nil {
			return api.Deps{}, fmt.Errorf("load demo organisation: %w", err)
		}
		a.logger.Info("demo organisation loaded", "location", added.Location.Target,
			"added", applied.Added, "updated", applied.Updated, "unchanged", applied.Unchanged, "removed", applied.Removed)
	}
	authSvc, err := a.authService()
	if err != nil {
		return api.Deps{}, err
	}
	if err := checkLogin(ctx, cfg, authSvc); err != nil {
		return api.Deps{}, err
	}
	if cfg.Demo {
		if err := printDemoToken(ctx, authSvc, stdout); err != nil {
			return api.Deps{}, err
		}
	}
	ix, err := a.searchIndex(ctx, false)
	if err != nil {
		return api.Deps{}, err
	}
	incidents := a.incidentService()
	searcher := newSearchIndexer(ix, append(searchSources(cfg, a.catalog, cfg.FileLocationRoots), incidentSource(a.catalog, incidents)), a.logger)
	a.goLoop(searcher.run)
	if cfg.RefreshInterval > 0 {
		a.goLoop(func(ctx context.Context) {
			refreshLoop(ctx, a.catalog, cfg.RefreshInterval, a.logger, searcher.refreshed)
		})
	}
	chat, err := newServeAssistant(cfg, a.db, a.catalog, ix, a.logger)
	if err != nil {
		return api.Deps{}, err
	}
	tmpl, err := a.scaffolder()
	if err != nil {
		return api.Deps{}, err
	}
	if err := tmpl.Recover(ctx); err != nil {
		return api.Deps{}, err
	}
	for range tmpl.Workers() {
		a.goLoop(tmpl.Work)
	}
	metrics, err := a.startAnomaly()
	if err != nil {
		return api.Deps{}, err
	}
	registerIncidents(incidents, ix, chat)
	a.startIncidents(incidents, demoPath, searcher.refreshed)
	alerts, outbox, err := a.startAlerts(incidents, ix)
	if err != nil {
		return api.Deps{}, err
	}
	deps := api.Deps{Anomaly: metrics, Incidents: incidents, Alerts: alerts, Outbox: outbox, Catalog: a.catalog, Scaffolder: tmpl, Search: ix, CatalogChanged: searcher.refreshed, Auth: authSvc, Logger: a.logger,
		Ready: a.db.Ping, MaxBodyBytes: cfg.MaxBodyBytes, Version: version, Demo: cfg.Demo, MetricsPublic: cfg.MetricsPublic,
		SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies, Assistant: chat,
		MCP: true, Tools: chat.Registry(), BaseURL: cfg.PortalBaseURL}
	bot, err := newServeSlack(cfg, chat, authSvc, a.db, a.logger)
	if err != nil {
		return api.Deps{}, err
	}
	if bot != nil {
		deps.Slack = bot
		a.goLoop(bot.Run)
	}
	if cfg.OIDCIssuer != "" {
		deps.OIDC = &api.OIDCConfig{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: string(cfg.OIDCClientSecret),
			RedirectURL: cfg.OIDCRedirectURL, Claim: cfg.OIDCClaim}
	}
	return deps, nil
}

// serveHTTP serves h on cfg.Addr until ctx ends, then shuts the server down gracefully.
// The caller's deferred Close then stops the loops, and closes the index and database.
func (a *app) serveHTTP(ctx context.Context, h http.Handler, stdout io.Writer) error {
	logFileLimit(a.logger)
	if err := startPprof(ctx, a.cfg.PprofAddr, a.logger); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "NEXT Portal is running at %s\n", publicURL(ln.Addr()))
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.logger.Info("shutting down", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.logger.Info("stopped")
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
