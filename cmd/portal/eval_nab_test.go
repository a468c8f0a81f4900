package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nabDir is the NAB copy beside the repository (../shared/data/nab).
func nabDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "nab")
	if _, err := os.Stat(filepath.Join(dir, "labels", "combined_windows.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NAB data missing at %s: %v", dir, err)
		}
		t.Skipf("NAB data missing at %s", dir)
	}
	return dir
}

// TestEvalNABPublished scores NAB's published windowedGaussian output through the command:
// its optimised standard score is the published 39.65.
func TestEvalNABPublished(t *testing.T) {
	dir := nabDir(t)
	stdout, stderr, err := runEvalCLI(t, nil, "eval", "nab", "--data", dir, "--results", filepath.Join(dir, "results"), "--detector", "windowedGaussian")
	if err != nil {
		t.Fatalf("eval nab: %v\n%s", err, stderr)
	}
	var line string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "windowedGaussian") {
			line = l
		}
	}
	if f := strings.Fields(line); len(f) < 4 || f[1] != "39.65" || f[2] != "20.87" || f[3] != "47.41" {
		t.Errorf("windowedGaussian row = %q, want 39.65 20.87 47.41\n%s", line, stdout)
	}
	if !strings.Contains(stdout, "NAB numenta") {
		t.Errorf("report lacks the published scoreboard:\n%s", stdout)
	}
	for _, args := range [][]string{
		{"eval", "nab"},
		{"eval", "nab", "--data", dir, "--detector", "nope"},
		{"eval", "nab", "--data", dir, "--results", dir},
		{"eval", "nab", "--data", dir, "extra"},
	} {
		if _, _, err := runEvalCLI(t, nil, args...); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}
