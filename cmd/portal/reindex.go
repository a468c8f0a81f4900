package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

func runReindex(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("reindex", "reindex [flags]\n\nRebuild the search indexes (bleve, and the vector index) from the database, which holds\nevery document, chunk and vector. Stop the server first: it holds the bleve index open", stderr, env, commandSettings["reindex"]...)
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "reindex", 0, "")); err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	ix, err := a.searchIndex(ctx, false)
	if err != nil {
		return err
	}
	start := time.Now()
	p := newIndexProgress(stderr)
	err = ix.Reindex(ctx, p.report)
	p.done()
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	st, err := ix.Stats(ctx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "rebuilt the search index from %d documents, %d chunks (%d vectors) in %s\n",
		st.Documents, st.Chunks, st.Vectors, time.Since(start).Round(time.Millisecond))
	return err
}
