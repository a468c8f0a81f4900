package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// showProgress reports that long work is under way. On a terminal it redraws one line with
// a spinner and the elapsed time every 100 ms; elsewhere (logs, pipes) it prints the label
// once. The returned func stops it and clears the line; call it before printing results.
func showProgress(w io.Writer, label string) func() {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		fmt.Fprintln(w, label+" ...")
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		frames := `|/-\`
		for i := 0; ; i++ {
			fmt.Fprintf(f, "\r%c %s  %s ", frames[i%len(frames)], label, time.Since(start).Round(100*time.Millisecond))
			select {
			case <-done:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
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
