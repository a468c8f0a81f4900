package auth

import (
	"crypto/sha256"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCredentialTTL is how long a checked API token or session cookie is trusted
// without reading the store again (Options.CredentialTTL).
const DefaultCredentialTTL = time.Second

// maxCachedCredentials bounds the cache. Only credentials that checked out are kept, so
// a caller cannot grow it with made-up tokens.
const maxCachedCredentials = 10_000

// credKind tells a token from a session cookie with the same bytes.
type credKind uint8

const (
	credToken credKind = iota + 1
	credSession
)

// credKey is a credential's cache key: its SHA-256, never the credential itself.
type credKey struct {
	kind   credKind
	digest [sha256.Size]byte
}

// credEntry is the outcome of one full check of a credential.
type credEntry struct {
	p         Principal
	csrf      string     // a session's CSRF token
	expiresAt *time.Time // the credential's own end, checked on every use
	touchAt   time.Time  // a token's next last-used write is due then
	until     time.Time  // trusted until then
}

// credCache remembers the principals of credentials that checked out, so a request does
// not read the token (or session), its user and the user's groups from the store every
// time. An entry is trusted for the TTL; every change this process makes to users,
// tokens, sessions or the catalog (Forget) drops all entries at once, and a change made
// by another process (the CLI, another replica) applies within the TTL.
type credCache struct {
	ttl time.Duration
	gen atomic.Uint64
	mu  sync.RWMutex
	m   map[credKey]*credEntry
}

func newCredCache(ttl time.Duration) *credCache {
	return &credCache{ttl: ttl, m: make(map[credKey]*credEntry)}
}

// get returns the live entry for k at now, or nil.
func (c *credCache) get(k credKey, now time.Time) *credEntry {
	if c.ttl <= 0 {
		return nil
	}
	c.mu.RLock()
	e := c.m[k]
	c.mu.RUnlock()
	if e == nil || !now.Before(e.until) ||
		(e.expiresAt != nil && !now.Before(*e.expiresAt)) {
		return nil
	}
	return e
}

// put keeps e for k, checked at now under generation gen (read before the check began,
// so a Forget during the check discards its outcome).
func (c *credCache) put(k credKey, e credEntry, now time.Time, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	e.until = now.Add(c.ttl)
	// The groups are shared by every request that finds this entry: clipped, so an
	// append by one of them copies instead of writing into the others' array.
	e.p.Groups = slices.Clip(e.p.Groups)
	c.mu.Lock()
	defer c.mu.Unlock()
	// Checked under the lock forget clears under: either forget has not begun (and will
	// clear this entry) or the outcome is dropped here.
	if gen != c.gen.Load() {
		return
	}
	if len(c.m) >= maxCachedCredentials {
		for key, old := range c.m {
			if !now.Before(old.until) {
				delete(c.m, key)
			}
		}
		if len(c.m) >= maxCachedCredentials {
			clear(c.m)
		}
	}
	c.m[k] = &e
}

// generation is the current generation, to pass to put after a check.
func (c *credCache) generation() uint64 { return c.gen.Load() }

// forget drops every entry.
func (c *credCache) forget() {
	c.gen.Add(1)
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
