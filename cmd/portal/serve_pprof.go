package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"syscall"
	"time"
)

// startPprof serves net/http/pprof on addr until ctx ends, on its own mux (never on the API
// server's). It returns at once; an empty addr does nothing.
func startPprof(ctx context.Context, addr string, logger *slog.Logger) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pprof: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("pprof server stopped", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	logger.Info("pprof listening", "addr", ln.Addr().String())
	return nil
}

// logFileLimit logs the limit on open files, which bounds how many keep-alive connections the
// server holds. Go's os package already raises the soft limit to the hard one at start (since
// Go 1.19), so a low value here means the hard limit itself is low (ulimit -Hn).
func logFileLimit(logger *slog.Logger) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	if lim.Cur < 8192 {
		logger.Warn("low open-file limit: fewer concurrent connections can be held", "soft", lim.Cur, "hard", lim.Max)
		return
	}
	logger.Debug("open-file limit", "soft", lim.Cur, "hard", lim.Max)
}
