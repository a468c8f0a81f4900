package api

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// Limits of each read cache: past either, it starts over, so a flood of distinct
// URLs costs memory only up to here and the hot answers come back on their next request.
const (
	readCacheMaxEntries = 20000
	readCacheMaxBytes   = 64 << 20
)

// readCache keeps encoded 200 answers of GET reads for one version of the data they were
// read from, keyed by the caller's visibility class and the request URI: within a version,
// equal keys get equal bytes, so a repeated read costs a map lookup instead of a filter or
// a search, a visibility check of every result and a JSON encoding. An answer of another
// version empties it. The server keeps one for catalog reads (versioned by the catalog's
// generation) and one for search (versioned by the catalog's generation and the search
// index's Version).
type readCache struct {
	mu      sync.RWMutex
	version string
	bytes   int
	entries map[readKey]*readAnswer
}

// readKey keys a cached answer: the caller's visibility class and the request URI (a
// struct rather than one joined string, so a lookup does not allocate).
type readKey struct{ class, uri string }

// readAnswer is one cached 200 answer: its body (and its gzip form when it is large
// enough to be sent compressed), its ETag when the route sends one, and its Link header.
type readAnswer struct {
	body []byte
	gz   []byte
	etag string
	link string
	// etagHeader is etag as a header value, made once: write assigns it rather than
	// allocating on every answer (cap 1, so a later Add copies instead of writing into it).
	etagHeader []string
}

// Header values every cached answer sends, shared for the same reason as etagHeader.
var (
	noStoreValue         = []string{"no-store"}
	jsonContentTypeValue = []string{jsonContentType}
)

func (rc *readCache) get(version string, key readKey) *readAnswer {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	if rc.version != version {
		return nil
	}
	return rc.entries[key]
}

// put keeps a under key for version. An answer of another version than the cache holds
// starts it over: usually the data moved on; when a slow reader brings an older one, the
// next reader of the newer version starts over again, and no reader is given an answer of
// a version other than the one it read.
func (rc *readCache) put(version string, key readKey, a *readAnswer) {
	size := len(key.class) + len(key.uri) + len(a.body) + len(a.gz) + len(a.etag) + len(a.link)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.entries == nil || version != rc.version || len(rc.entries) >= readCacheMaxEntries || rc.bytes+size > readCacheMaxBytes {
		rc.version, rc.bytes, rc.entries = version, 0, make(map[readKey]*readAnswer)
	}
	rc.entries[key] = a
	rc.bytes += size
}

// cachedRead answers a catalog GET read from the catalog read cache (see cachedAnswer),
// for the catalog's current generation; without a read model nothing is kept.
func (s *Server) cachedRead(c *gin.Context, tagged bool, fill func() (body []byte, link string, err error)) error {
	gen, ok := s.catalog.Generation()
	return s.cachedAnswer(c, &s.reads, strconv.FormatUint(gen, 10), ok, tagged, fill)
}

// cachedAnswer answers a GET read from rc when it holds the answer for version and the
// caller's visibility class; else it runs fill, which returns the answer's body (and its
// Link header, or ""), and writes what it returned, keeping it when ok. version must be
// read before fill runs. A request that says Cache-Control: no-cache is answered by fill
// (and its answer kept), as a load run that measures the work itself asks. tagged says whether the route sends an ETag of the body (etagOf)
// and answers a matching If-None-Match with 304 Not Modified. Errors are not kept.
func (s *Server) cachedAnswer(c *gin.Context, rc *readCache, version string, ok, tagged bool, fill func() (body []byte, link string, err error)) error {
	var key readKey
	if ok {
		key = readKey{catalog.VisibilityClass(auth.FromContext(c.Request.Context())), c.Request.URL.RequestURI()}
		if a := rc.get(version, key); a != nil && !noCache(c.Request) {
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
		a.etagHeader = []string{a.etag}
	}
	if len(body) >= gzipMinBytes {
		a.gz = gzipped(body)
	}
	if ok {
		rc.put(version, key, a)
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
	h := c.Writer.Header()
	h["Cache-Control"] = noStoreValue
	if a.etag != "" {
		h["Etag"] = a.etagHeader // "ETag" in canonical form
		if noneMatch(c.Request, a.etag) {
			c.Status(http.StatusNotModified)
			return
		}
	}
	h["Content-Type"] = jsonContentTypeValue // c.Data keeps a Content-Type already set
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

// noCache reports whether r asks for an answer made afresh (Cache-Control: no-cache).
func noCache(r *http.Request) bool {
	for _, v := range r.Header.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "no-cache") {
				return true
			}
		}
	}
	return false
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
