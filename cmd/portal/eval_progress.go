package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// counter shows the progress of work made of steps (the search modes of an eval) through a
// liveLine. On a terminal it redraws one line, at most every 100 ms, with the count done,
// the total when known and the rate; elsewhere it prints one summary line as each step ends.
type counter struct {
	line *liveLine

	mu          sync.Mutex
	step, unit  string
	done, total int
	start       time.Time
}

func newCounter(w io.Writer) *counter {
	return &counter{line: newLiveLine(w, 100*time.Millisecond, 0)}
}

// set reports that step has done of total units (total 0: unknown). A new step ends the
// previous one.
func (c *counter) set(step, unit string, done, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if step != c.step {
		c.endLocked(now)
		c.step, c.unit, c.start = step, unit, now
	}
	c.done, c.total = done, total
	if c.line.tty {
		c.line.show(c.step+c.countLocked(now), false)
	}
}

// end ends the current step.
func (c *counter) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(time.Now())
	c.step = ""
}

func (c *counter) endLocked(now time.Time) {
	if c.step == "" {
		return
	}
	c.line.println(fmt.Sprintf("%s%s in %s", c.step, c.countLocked(now), now.Sub(c.start).Round(time.Millisecond)))
}

// countLocked returns ": done/total unit (rate/s)", or "" for a step that counts nothing.
func (c *counter) countLocked(now time.Time) string {
	if c.unit == "" && c.done == 0 {
		return ""
	}
	s := ": " + fmt.Sprint(c.done)
	if c.total > 0 {
		s += fmt.Sprintf("/%d", c.total)
	}
	if c.unit != "" {
		s += " " + c.unit
	}
	if secs := now.Sub(c.start).Seconds(); secs > 0 && c.done > 0 {
		s += fmt.Sprintf(" (%.0f/s)", float64(c.done)/secs)
	}
	return s
}
