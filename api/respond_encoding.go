package api

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// gzipMinBytes is the smallest JSON body sent gzip-compressed to a client that accepts it:
// a list page or a large entity, not a single small answer.
const gzipMinBytes = 8 << 10

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (and does not
// refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// jsonContentType is the Content-Type of every JSON answer.
const jsonContentType = "application/json; charset=utf-8"

// writeBody writes a JSON body, gzip-compressed when it is large and the client accepts
// gzip. Vary says the answer depends on Accept-Encoding either way, for caches in between.
func writeBody(c *gin.Context, status int, body []byte) {
	if len(body) < gzipMinBytes {
		c.Data(status, jsonContentType, body)
		return
	}
	c.Header("Vary", "Accept-Encoding")
	if !acceptsGzip(c.Request) {
		c.Data(status, jsonContentType, body)
		return
	}
	gz := gzipped(body)
	if gz == nil {
		c.Data(status, jsonContentType, body)
		return
	}
	c.Header("Content-Encoding", "gzip")
	c.Data(status, jsonContentType, gz)
}

// etagOf is the strong ETag of a response body: what this caller sees of the entity (its
// relations and status depend on the caller's visibility), so equal tags mean equal bytes.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// noneMatch reports whether the request's If-None-Match names etag (or is "*").
func noneMatch(r *http.Request, etag string) bool {
	for _, h := range r.Header.Values("If-None-Match") {
		for _, t := range strings.Split(h, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
	}
	return false
}
