package assistant

import (
	"strconv"
	"strings"
)

// citer rewrites a composer's text as it streams: a marker [n] is kept only when source n
// was retrieved in this turn, and markers are renumbered 1..k in order of first use. Text
// outside markers passes through unchanged; a possible marker is held until it closes.
type citer struct {
	source func(n int) (Source, bool) // the retrieved source a composer's marker n means
	newN   map[string]int             // source key → new number
	cites  []Citation
	held   strings.Builder
	out    strings.Builder
	// onText and onCite receive the rewritten text and each new citation, in order.
	onText func(string) error
	onCite func(Citation) error
}

// maxMarker bounds how long a held "[…" may grow before it is plainly text.
const maxMarker = 24

// write feeds a piece of composer text.
func (c *citer) write(s string) error {
	var pass strings.Builder
	for _, r := range s {
		switch {
		case c.held.Len() == 0 && r != '[':
			pass.WriteRune(r)
		case c.held.Len() == 0: // r == '['
			if err := c.text(pass.String()); err != nil {
				return err
			}
			pass.Reset()
			c.held.WriteRune(r)
		case r == ']':
			c.held.WriteRune(r)
			if err := c.closeMarker(); err != nil {
				return err
			}
		case (r >= '0' && r <= '9') || r == ',' || r == ' ':
			c.held.WriteRune(r)
			if c.held.Len() > maxMarker {
				if err := c.text(c.held.String()); err != nil {
					return err
				}
				c.held.Reset()
			}
		default:
			h := c.held.String()
			c.held.Reset()
			if err := c.text(h); err != nil {
				return err
			}
			if r == '[' {
				c.held.WriteRune(r)
			} else {
				pass.WriteRune(r)
			}
		}
	}
	return c.text(pass.String())
}

// flush ends the stream: whatever is held is text.
func (c *citer) flush() error {
	h := c.held.String()
	c.held.Reset()
	return c.text(h)
}

// closeMarker rewrites the held "[n, m]" to the verified, renumbered markers.
func (c *citer) closeMarker() error {
	h := c.held.String()
	c.held.Reset()
	inner := strings.TrimSpace(h[1 : len(h)-1])
	if inner == "" {
		return c.text(h)
	}
	var b strings.Builder
	var fresh []Citation
	for _, p := range strings.Split(inner, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return c.text(h)
		}
		src, ok := c.source(n)
		if !ok {
			continue
		}
		k := sourceKey(src)
		m, seen := c.newN[k]
		if !seen {
			m = len(c.cites) + 1
			c.newN[k] = m
			ct := Citation{N: m, Ref: src.Ref, Title: src.Title, URL: src.URL}
			c.cites = append(c.cites, ct)
			fresh = append(fresh, ct)
		}
		mk := "[" + strconv.Itoa(m) + "]"
		if !strings.Contains(b.String(), mk) && (b.Len() > 0 || !strings.HasSuffix(c.out.String(), mk)) {
			b.WriteString(mk)
		}
	}
	if b.Len() == 0 {
		return nil // every marker pointed at something not retrieved: drop it
	}
	if err := c.text(b.String()); err != nil {
		return err
	}
	for _, ct := range fresh {
		if c.onCite != nil {
			if err := c.onCite(ct); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *citer) text(s string) error {
	if s == "" {
		return nil
	}
	c.out.WriteString(s)
	if c.onText != nil {
		return c.onText(s)
	}
	return nil
}

// result returns the rewritten text (with spaces left by dropped markers tidied) and the
// citations in order.
func (c *citer) result() (string, []Citation) {
	t := c.out.String()
	for _, p := range []string{" .", " ,", "  "} {
		for strings.Contains(t, p) {
			t = strings.ReplaceAll(t, p, p[1:])
		}
	}
	return strings.TrimSpace(t), c.cites
}

// verify rewrites a whole text at once.
func verify(text string, source func(n int) (Source, bool)) (string, []Citation) {
	c := &citer{source: source, newN: map[string]int{}}
	_ = c.write(text)
	_ = c.flush()
	t, cs := c.result()
	if cs == nil {
		cs = []Citation{}
	}
	return t, cs
}
