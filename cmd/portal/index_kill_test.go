package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// TestIndexSurvivesSIGKILL kills `portal index` twice — once while it reads documents and
// once while it embeds chunks — then reruns it, and checks that the result is exactly the
// state of one clean run: the same documents, chunks and vectors (by digest) and the same
// number of bleve documents. It runs on PostgreSQL too when DATABASE_URL is set.
func TestIndexSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and indexes a few thousand chunks three times")
	}
	bin := buildPortal(t)
	docs := t.TempDir()
	writeDocs(t, docs, 1500)

	crashed := indexEnv(t, docs)
	for _, phase := range []string{"scan", "embed"} {
		killDuring(t, bin, crashed, phase)
	}
	runPortal(t, bin, crashed, "index")

	clean := indexEnv(t, docs)
	runPortal(t, bin, clean, "index")

	got, want := indexStatsOf(t, bin, crashed), indexStatsOf(t, bin, clean)
	if got != want {
		t.Errorf("after two kills and a rerun the index is\n  %+v\nwant the clean run's\n  %+v", got, want)
		diffIndexes(t, crashed, clean)
	}
	if want.Documents != 1500 || want.Vectors != want.Chunks || want.LexicalDoc != uint64(want.Chunks) {
		t.Errorf("clean run = %+v, want 1500 documents, every chunk embedded and in bleve", want)
	}
}

// indexEnv is the environment of one independent index: its own data dir and, on
// PostgreSQL, its own schema.
func indexEnv(t *testing.T, docs string) []string {
	t.Helper()
	env := append(os.Environ(), "PORTAL_DATA_DIR="+t.TempDir(), "PORTAL_DOCS_DIRS="+docs,
		"PORTAL_FILE_LOCATION_ROOTS="+docs, "PORTAL_LOG_LEVEL=warn", "OPENAI_BASE_URL=")
	url := ""
	if os.Getenv("DATABASE_URL") != "" {
		url = storetest.PostgresURL(t)
	}
	return append(env, "DATABASE_URL="+url)
}

// killDuring starts `portal index`, waits until the store shows it in phase (documents
// being written, or chunks being embedded), and kills it with SIGKILL.
func killDuring(t *testing.T, bin string, env []string, phase string) {
	t.Helper()
	cmd := exec.Command(bin, "index")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	db := openEnvStore(t, env)
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
		select {
		case err := <-exited:
			t.Fatalf("portal index finished (%v) before it could be killed in phase %s; stderr:\n%s", err, phase, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		st, err := db.Stats(t.Context(), "")
		if err != nil {
			continue // the schema may not exist yet
		}
		var vectors int
		if phase == "embed" {
			if vectors, err = embeddedChunks(t.Context(), db); err != nil {
				continue
			}
		}
		if (phase == "scan" && st.Documents > 100) || (phase == "embed" && vectors > 0) {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-exited
			t.Logf("killed portal index during %s: %d documents, %d chunks, %d embedded", phase, st.Documents, st.Chunks, vectors)
			return
		}
	}
	cmd.Process.Kill()
	t.Fatalf("portal index never reached phase %s; stderr:\n%s", phase, stderr.String())
}

// embeddedChunks counts chunks embedded with the active local model (0 before one is saved).
func embeddedChunks(ctx context.Context, db *store.DB) (int, error) {
	name, _, ok, err := db.ActiveModel(ctx)
	if err != nil || !ok {
		return 0, err
	}
	st, err := db.Stats(ctx, name)
	return st.Vectors, err
}

func openEnvStore(t *testing.T, env []string) *store.DB {
	t.Helper()
	get := func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	db, err := store.Open(t.Context(), store.Options{URL: get("DATABASE_URL"), DataDir: get("PORTAL_DATA_DIR")})
	if err != nil {
		t.Fatalf("open the index's store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func runPortal(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("portal %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

func indexStatsOf(t *testing.T, bin string, env []string) indexStats {
	t.Helper()
	var st indexStats
	if err := json.Unmarshal([]byte(runPortal(t, bin, env, "index", "stats", "--json")), &st); err != nil {
		t.Fatalf("index stats --json: %v", err)
	}
	return st
}

// writeDocs writes n small markdown docs of three sections each, with enough distinct words
// for the local embedder to train on.
func writeDocs(t *testing.T, dir string, n int) {
	t.Helper()
	words := strings.Fields("retry timeout queue consumer kafka ledger payment refund deploy rollback canary " +
		"cache redis token rotate secret alert page runbook incident owner schema migration index shard")
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "# Guide %d\n\n", i)
		for s := range 3 {
			fmt.Fprintf(&b, "## Section %d %s\n\n", s, words[(i+s)%len(words)])
			for k := range 12 {
				fmt.Fprintf(&b, "%s %s w%d ", words[(i*7+s*3+k)%len(words)], words[(i+k*5)%len(words)], (i*13+k)%500)
			}
			b.WriteString("\n\n")
		}
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", i/100))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("doc-%04d.md", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// diffIndexes reports the first documents whose stored state differs between two indexes.
func diffIndexes(t *testing.T, a, b []string) {
	t.Helper()
	la, lb := liveDocs(t, openEnvStore(t, a)), liveDocs(t, openEnvStore(t, b))
	n := 0
	for id, ca := range la {
		cb, ok := lb[id]
		what := ""
		switch {
		case !ok:
			what = "missing from the clean run"
		case ca.Document.Hash != cb.Document.Hash:
			what = "document hash"
		case len(ca.Chunks) != len(cb.Chunks):
			what = fmt.Sprintf("%d chunks vs %d", len(ca.Chunks), len(cb.Chunks))
		default:
			for i := range ca.Chunks {
				x, y := ca.Chunks[i], cb.Chunks[i]
				if x.ID != y.ID || x.Hash != y.Hash || x.Model != y.Model {
					what = fmt.Sprintf("chunk %d: %s/%s/%s vs %s/%s/%s", i, x.ID, x.Hash, x.Model, y.ID, y.Hash, y.Model)
					break
				}
				if !slices.Equal(x.Vector, y.Vector) {
					what = fmt.Sprintf("chunk %d vector: %v… vs %v…", i, x.Vector[:min(3, len(x.Vector))], y.Vector[:min(3, len(y.Vector))])
					break
				}
			}
		}
		if what != "" {
			t.Logf("%s differs: %s", id, what)
			if n++; n == 5 {
				return
			}
		}
	}
}

func liveDocs(t *testing.T, db *store.DB) map[string]indexer.Change {
	t.Helper()
	live, err := liveDocuments(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	return live
}

// buildPortal builds this command into a temporary folder, for tests that kill it.
func buildPortal(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portal")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
