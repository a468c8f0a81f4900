package main

import (
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/indexer"
)

// TestLiveLineOffTerminal: in a log, updates are whole lines, throttled unless forced.
func TestLiveLineOffTerminal(t *testing.T) {
	var b strings.Builder
	l := newLiveLine(&b, time.Millisecond, time.Hour)
	l.show("first", false)  // the first update shows
	l.show("second", false) // throttled
	l.show("third", true)   // forced
	l.clear()               // nothing drawn in place: no escape codes
	l.println("done")
	if got, want := b.String(), "first\nthird\ndone\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// TestIndexProgressOffTerminal: a phase change and the end of a phase always print.
func TestIndexProgressOffTerminal(t *testing.T) {
	var b strings.Builder
	p := newIndexProgress(&b)
	p.report(indexer.Progress{Phase: "read", Source: "catalog", Done: 1})
	p.report(indexer.Progress{Phase: "read", Source: "catalog", Done: 2})
	p.report(indexer.Progress{Phase: "embed", Done: 5, Total: 10})
	p.report(indexer.Progress{Phase: "embed", Done: 10, Total: 10})
	p.done()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "read catalog  1 documents") ||
		!strings.Contains(lines[1], "5/10 chunks") || !strings.Contains(lines[2], "10/10 chunks") {
		t.Errorf("progress lines = %q", lines)
	}
}

// TestCounterOffTerminal: off a terminal a counter prints one summary line per step.
func TestCounterOffTerminal(t *testing.T) {
	var b strings.Builder
	c := newCounter(&b)
	c.set("lexical", "queries", 1, 3)
	c.set("lexical", "queries", 3, 3)
	c.set("hybrid", "queries", 3, 3)
	c.end()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "lexical: 3/3 queries") || !strings.HasPrefix(lines[1], "hybrid: 3/3 queries") {
		t.Errorf("counter lines = %q", lines)
	}
}
