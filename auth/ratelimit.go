package auth

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Login limits: failures counted in a sliding window, per login name and per client address.
const (
	loginWindow      = 15 * time.Minute
	maxNameFailures  = 5
	maxAddrFailures  = 20
	maxLimiterKeys   = 100_000 // beyond this, stale keys are swept on the next failure
	limiterKeyPrefix = "name:"
)

// LimitError is the error of a login refused by the rate limiter. It wraps ErrRateLimited
// and says when to retry.
type LimitError struct {
	RetryAfter time.Duration
}

// Error says to retry later, and when.
func (e *LimitError) Error() string {
	return fmt.Sprintf("too many failed logins, retry in %s", e.RetryAfter.Round(time.Second))
}

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *LimitError) Unwrap() error { return ErrRateLimited }

// PublicMessage is the message a client sees: Error's text, which says when to retry.
func (e *LimitError) PublicMessage() string { return e.Error() }

// limiter counts failed logins in memory. It is per process: with several replicas an
// attacker gets each replica's allowance, which still bounds guessing to a few per minute.
type limiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time // key -> failure times, oldest first
}

func newLimiter() *limiter { return &limiter{failures: map[string][]time.Time{}} }

func nameKey(name string) string { return limiterKeyPrefix + strings.ToLower(strings.TrimSpace(name)) }
func addrKey(addr string) string { return "addr:" + addr }

// check returns a *LimitError when name or addr has too many recent failures, else nil.
func (l *limiter) check(now time.Time, name, addr string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range l.keys(name, addr) {
		ts := l.recent(now, k)
		if len(ts) >= limitOf(k) {
			// The limit lifts when enough old failures leave the window.
			wait = max(wait, ts[len(ts)-limitOf(k)].Add(loginWindow).Sub(now))
		}
	}
	if wait > 0 {
		return &LimitError{RetryAfter: wait}
	}
	return nil
}

// fail records a failed login for name and addr.
func (l *limiter) fail(now time.Time, name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > maxLimiterKeys {
		for k := range l.failures {
			if len(l.recent(now, k)) == 0 {
				delete(l.failures, k)
			}
		}
	}
	for _, k := range l.keys(name, addr) {
		l.failures[k] = append(l.recent(now, k), now)
	}
}

// reset forgets name's failures after a successful login.
func (l *limiter) reset(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, nameKey(name))
}

func (l *limiter) keys(name, addr string) []string {
	ks := []string{nameKey(name)}
	if addr != "" {
		ks = append(ks, addrKey(addr))
	}
	return ks
}

// recent drops k's failures older than the window and returns the rest.
func (l *limiter) recent(now time.Time, k string) []time.Time {
	ts := l.failures[k]
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-loginWindow)) {
		i++
	}
	if i == len(ts) {
		delete(l.failures, k)
		return nil
	}
	ts = ts[i:]
	l.failures[k] = ts
	return ts
}

func limitOf(k string) int {
	if strings.HasPrefix(k, limiterKeyPrefix) {
		return maxNameFailures
	}
	return maxAddrFailures
}
