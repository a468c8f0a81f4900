package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/catalog"
)

// TestCatalogImportSurvivesSIGKILL kills `portal catalog import` of a 3,000-entity file at
// a series of moments, 100 ms apart, (while it opens the store, reads, writes, commits, or after the
// commit while the WAL is checkpointed in the background), first of a new location and
// then of a changed version of it, and checks after every kill that the catalog holds
// either all of one version of the location's entities or, before the first import
// committed, none: an import never commits half, and a committed one is never lost. It
// runs on PostgreSQL too when DATABASE_URL is set.
func TestCatalogImportSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports 3,000 entities a few dozen times")
	}
	bin := buildPortal(t)
	const n = 3000
	dir := t.TempDir()
	file := filepath.Join(dir, "entities.yaml")
	write := func(version string) {
		t.Helper()
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c-%04d\n"+
				"  description: version %s of a component\nspec:\n  type: service\n  lifecycle: production\n"+
				"  owner: group:default/team-%d\n  dependsOn: [component:default/c-%04d]\n", i, version, i%20, (i+1)%n)
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := indexEnv(t, dir)

	// count returns how many of the location's components have each version.
	count := func() map[string]int {
		t.Helper()
		db := openEnvStore(t, env)
		defer db.Close()
		out := map[string]int{}
		for _, v := range []string{"1", "2"} {
			page, err := db.QueryEntities(t.Context(), catalog.Query{Limit: 1, Filter: catalog.Filter{
				Key: "metadata.description", Values: []string{"version " + v + " of a component"}}})
			if err != nil {
				t.Fatal(err)
			}
			out[v] = page.Total
		}
		return out
	}
	// killAfter starts an import and kills it after d, unless it finished first; it
	// reports whether it finished.
	killAfter := func(d time.Duration) bool {
		t.Helper()
		cmd := exec.Command(bin, "catalog", "import", file)
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("portal catalog import: %v", err)
			}
			return true
		case <-time.After(d):
			cmd.Process.Kill()
			<-exited
			return false
		}
	}

	// Kills 50 ms, 150 ms, … 2.95 s after the start, then one the import outlives.
	var delays []time.Duration
	for d := 50; d < 3000; d += 100 {
		delays = append(delays, time.Duration(d))
	}
	delays = append(delays, 60_000)

	write("1")
	committed := ""
	for _, d := range delays {
		finished := killAfter(d * time.Millisecond)
		got := count()
		t.Logf("import of version 1, killed after %v (finished first: %v): %v", d*time.Millisecond, finished, got)
		switch {
		case got["2"] != 0 || (got["1"] != 0 && got["1"] != n):
			t.Fatalf("after a kill %v ms into the first import, %v components of each version; want none or all %d of version 1", d, got, n)
		case committed != "" && got["1"] != n:
			t.Fatalf("after a kill %v ms into an import, %d of the %d components committed before are left", d, got["1"], n)
		case got["1"] == n:
			committed = "1"
		}
		if finished {
			break
		}
	}
	if committed != "1" {
		t.Fatal("the first import never completed")
	}

	write("2")
	for _, d := range delays {
		finished := killAfter(d * time.Millisecond)
		got := count()
		t.Logf("import of version 2, killed after %v (finished first: %v): %v", d*time.Millisecond, finished, got)
		old, changed := got["1"] == n && got["2"] == 0, got["2"] == n && got["1"] == 0
		if !changed && (!old || committed == "2") {
			t.Fatalf("after a kill %v ms into a re-import, %v components of each version; want all %d of version %s or of version 2", d, got, n, committed)
		}
		if got["2"] == n {
			committed = "2"
		}
		if finished {
			break
		}
	}
	if committed != "2" {
		t.Fatal("the re-import never completed")
	}
}
