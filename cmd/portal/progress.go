package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// liveLine is the CLI's one progress renderer. On a terminal it redraws a single line in
// place, at most every ttyEvery; elsewhere (CI logs, pipes) it prints each update as its own
// line, at most every logEvery, so logs stay short. Forced updates (a phase change, the
// end) always show. Every progress display of the CLI draws through it.
type liveLine struct {
	w     io.Writer
	tty   bool
	every time.Duration

	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func newLiveLine(w io.Writer, ttyEvery, logEvery time.Duration) *liveLine {
	l := &liveLine{w: w, every: logEvery}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		l.tty, l.every = true, ttyEvery
	}
	return l
}

// show draws line: in place on a terminal, else as a line of its own. Unless force, it
// does nothing when the last update was less than the interval ago.
func (l *liveLine) show(line string, force bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if !force && now.Sub(l.last) < l.every {
		return
	}
	l.last = now
	if l.tty {
		fmt.Fprintf(l.w, "\r\033[K%s", line)
		l.drawn = true
		return
	}
	fmt.Fprintln(l.w, line)
}

// println ends any line drawn in place and prints line for good.
func (l *liveLine) println(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
	fmt.Fprintln(l.w, line)
}

// clear erases a line drawn in place, if any; call it before printing results.
func (l *liveLine) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
}

func (l *liveLine) clearLocked() {
	if l.drawn {
		fmt.Fprint(l.w, "\r\033[K")
		l.drawn = false
	}
}

// showProgress reports that long work is under way. On a terminal it redraws one line with
// a spinner and the elapsed time every 100 ms; elsewhere (logs, pipes) it prints the label
// once. The returned func stops it and clears the line; call it before printing results.
func showProgress(w io.Writer, label string) func() {
	l := newLiveLine(w, 100*time.Millisecond, 0)
	if !l.tty {
		l.println(label + " ...")
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		start := time.Now()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		frames := `|/-\`
		for i := 0; ; i++ {
			l.show(fmt.Sprintf("%c %s  %s ", frames[i%len(frames)], label, time.Since(start).Round(100*time.Millisecond)), true)
			select {
			case <-done:
				l.clear()
				return
			case <-t.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
