package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/nextportal/portal/indexer"
)

// indexProgress prints indexer.Progress reports through a liveLine: on a terminal one
// redrawn line with a bar (when the total is known), counts and the rate; elsewhere (CI
// logs, pipes) a line at most every two seconds and at each phase change.
type indexProgress struct {
	line *liveLine

	mu    sync.Mutex
	phase string
	start time.Time // when the current phase began
}

func newIndexProgress(w io.Writer) *indexProgress {
	return &indexProgress{line: newLiveLine(w, 100*time.Millisecond, 2*time.Second)}
}

// report is the indexer's progress callback.
func (p *indexProgress) report(pr indexer.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	key := pr.Phase + " " + pr.Source
	changed := key != p.phase
	if changed {
		p.phase, p.start = key, now
	}
	p.line.show(progressLine(pr, now.Sub(p.start)), changed || (pr.Total > 0 && pr.Done >= pr.Total))
}

// done ends the redrawn line, if any; call it before printing results.
func (p *indexProgress) done() { p.line.clear() }

// progressLine renders one report: "embed  [=====>     ] 1200/5000 chunks  812/s".
func progressLine(pr indexer.Progress, elapsed time.Duration) string {
	var b strings.Builder
	b.WriteString(pr.Phase)
	if pr.Source != "" {
		b.WriteString(" " + pr.Source)
	}
	unit := "documents"
	if pr.Phase == "embed" || pr.Phase == "sync" {
		unit = "chunks"
	}
	if pr.Total > 0 {
		const width = 24
		filled := min(width, pr.Done*width/pr.Total)
		fmt.Fprintf(&b, "  [%s%s] %d/%d %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), pr.Done, pr.Total, unit)
	} else {
		fmt.Fprintf(&b, "  %d %s", pr.Done, unit)
	}
	if pr.Changed > 0 || pr.Deleted > 0 {
		fmt.Fprintf(&b, " (%d changed, %d deleted)", pr.Changed, pr.Deleted)
	}
	if s := elapsed.Seconds(); s >= 0.5 && pr.Done > 0 {
		fmt.Fprintf(&b, "  %.0f/s", float64(pr.Done)/s)
	}
	return b.String()
}
