package api

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// Limits of the catalog read cache: past either, it starts over, so a flood of distinct
// URLs costs memory only up to here and the hot answers come back on their next request.
const (
	readCacheMaxEntries = 20000
	readCacheMaxBytes   = 64 << 20
)

// readCache keeps the encoded answers of catalog GET reads for one catalog generation
// (catalog.Service.Generation), keyed by the caller's visibility class and the request URI:
// within a generation, equal keys get equal bytes, so a repeated read costs a map lookup
// instead of a filter, a visibility check of every relation target and a JSON encoding.
// A new generation empties it.
type readCache struct {
	mu      sync.RWMutex
	gen     uint64
	bytes   int
	entries map[string]*readAnswer
}

// readAnswer is one cached 200 answer: its body (and its gzip form when it is large
// enough to be sent compressed), its ETag when the route sends one, and its Link header.
type readAnswer struct {
	body []byte
	gz   []byte
	etag string
	link string
}

func (rc *readCache) get(gen uint64, key string) *readAnswer {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	if rc.gen != gen {
		return nil
	}
	return rc.entries[key]
}

func (rc *readCache) put(gen uint64, key string, a *readAnswer) {
	size := len(key) + len(a.body) + len(a.gz) + len(a.etag) + len(a.link)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	switch {
	case gen < rc.gen:
		return // computed from an older catalog than the cache holds
	case rc.entries == nil || gen > rc.gen || len(rc.entries) >= readCacheMaxEntries || rc.bytes+size > readCacheMaxBytes:
		rc.gen, rc.bytes, rc.entries = gen, 0, make(map[string]*readAnswer)
	}
	rc.entries[key] = a
	rc.bytes += size
}

// cachedRead answers a catalog GET read from the cache when it holds the answer for the
// current generation and the caller's visibility class; else it runs fill, which returns
// the answer's body (and its Link header, or ""), and writes and keeps what it returned.
// tagged says whether the route sends an ETag of the body (etagOf) and answers a matching
// If-None-Match with 304 Not Modified. Errors are not kept.
func (s *Server) cachedRead(c *gin.Context, tagged bool, fill func() (body []byte, link string, err error)) error {
	gen, ok := s.catalog.Generation()
	var key string
	if ok {
		key = catalog.VisibilityClass(auth.FromContext(c.Request.Context())) + " " + c.Request.URL.RequestURI()
		if a := s.reads.get(gen, key); a != nil {
			a.write(c)
			return nil
		}
	}
	body, link, err := fill()
	if err != nil {
		return err
	}
	a := &readAnswer{body: body, link: link}
	if tagged {
		a.etag = etagOf(body)
	}
	if len(body) >= gzipMinBytes {
		a.gz = gzipped(body)
	}
	if ok {
		s.reads.put(gen, key, a)
	}
	a.write(c)
	return nil
}

// write sends the answer as writeJSON would, with its ETag (304 when If-None-Match names
// it) and its Link header when it has them.
func (a *readAnswer) write(c *gin.Context) {
	if a.link != "" {
		c.Header("Link", a.link)
	}
	c.Header("Cache-Control", "no-store")
	if a.etag != "" {
		c.Header("ETag", a.etag)
		if noneMatch(c.Request, a.etag) {
			c.Status(http.StatusNotModified)
			return
		}
	}
	if len(a.body) < gzipMinBytes {
		c.Data(http.StatusOK, jsonContentType, a.body)
		return
	}
	c.Header("Vary", "Accept-Encoding")
	if a.gz == nil || !acceptsGzip(c.Request) {
		c.Data(http.StatusOK, jsonContentType, a.body)
		return
	}
	c.Header("Content-Encoding", "gzip")
	c.Data(http.StatusOK, jsonContentType, a.gz)
}

// gzipped is body gzip-compressed as writeBody sends it, or nil if that failed.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body) / 4)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, err := zw.Write(body)
	if err == nil {
		err = zw.Close()
	}
	gzipWriters.Put(zw)
	if err != nil { // writing to memory does not fail; send it plain if it ever does
		return nil
	}
	return buf.Bytes()
}
