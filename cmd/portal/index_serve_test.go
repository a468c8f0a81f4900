package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIndexBesideServer runs `portal index` while a server holds the search index: the
// command indexes into the database, says so, and the server serves the new document after
// its next sync.
func TestIndexBesideServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server and waits for the index lock")
	}
	docs := t.TempDir()
	writeDocs(t, docs, 3)
	const token = "np_beside-server-test-token"
	env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir(), "PORTAL_DOCS_DIRS": docs,
		"PORTAL_FILE_LOCATION_ROOTS": docs, "PORTAL_STATIC_TOKENS": "tests:" + token + ":viewer:read",
		"PORTAL_LOG_LEVEL": "warn"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--refresh-interval", "0"}, env, nil, stdout, stderr)
	}()
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := urlLine.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve printed no URL; stderr: %s", stderr.String())
	}

	const marker = "quokkaledger"
	if err := os.WriteFile(filepath.Join(docs, "new.md"), []byte("# New\n\nThe "+marker+" runbook.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	if err := run(t.Context(), []string{"index"}, env, nil, &out, &errOut); err != nil {
		t.Fatalf("index beside the server: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "a running portal holds the search index") || !strings.Contains(out.String(), "1 changed") {
		t.Errorf("index beside the server printed %q and %q, want 1 changed and a note that the server applies it", out.String(), errOut.String())
	}
	var found struct{ Results []struct{ DocID string } }
	for deadline := time.Now().Add(30 * time.Second); len(found.Results) == 0 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		getJSONAuth(t, base+"/api/v1/search?q="+marker, token, &found)
	}
	if len(found.Results) == 0 || !strings.HasSuffix(found.Results[0].DocID, ":new.md") {
		t.Errorf("the server's search for %s = %+v, want the new doc", marker, found.Results)
	}
	cancel()
	<-done
}
