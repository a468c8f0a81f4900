package api

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/nextportal/portal/auth"
)

// requestIDHeader carries the request id in both directions.
const requestIDHeader = "X-Request-Id"

type requestKey struct{}

// requestScope is what the middleware puts in a request's context, in one value: its id and
// the slot authenticate puts the caller in.
type requestScope struct {
	id     string
	header [1]string // id as the X-Request-Id header's value, sharing this allocation
	caller auth.Slot
}

// RequestID returns the id of the request ctx belongs to, or "" outside a request.
func RequestID(ctx context.Context) string {
	if ri, ok := ctx.Value(requestKey{}).(*requestScope); ok {
		return ri.id
	}
	return ""
}

// requestID takes the caller's X-Request-Id when it is sane, or makes one, echoes it in
// the response and gives the request its context: the id, and an empty slot for the
// caller (Anonymous until authenticate fills it). It is the first middleware, and the
// only one that copies the request for a new context: a copy is ~250 bytes of garbage
// on every request.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		ri := &requestScope{id: id, header: [1]string{id}}
		c.Writer.Header()[requestIDHeader] = ri.header[:] // the key is canonical already
		ctx := context.WithValue(c.Request.Context(), requestKey{}, ri)
		c.Request = c.Request.WithContext(auth.WithSlot(ctx, &ri.caller))
		c.Next()
	}
}

// setCaller makes p the caller of c's request: in the request's slot when requestID made
// one, else in a new context.
func setCaller(c *gin.Context, p auth.Principal) {
	if ri, ok := c.Request.Context().Value(requestKey{}).(*requestScope); ok {
		ri.caller.Set(p)
		return
	}
	c.Request = c.Request.WithContext(auth.NewContext(c.Request.Context(), p))
}

// newRequestID makes a random (version 4) UUID from the runtime's per-thread ChaCha8
// generator: a request id must be unique, not secret, so it need not pay for a read from
// the operating system's random source on every request.
func newRequestID() string {
	var u uuid.UUID
	binary.LittleEndian.PutUint64(u[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(u[8:], rand.Uint64())
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // the RFC 9562 variant
	return u.String()
}

// validRequestID accepts short ids of visible ASCII, so a caller cannot inject log lines
// or huge headers through it.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

// accessLog logs one info line per request, naming the caller but never a credential.
func accessLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		logRequest(logger, c, start)
	}
}

// logRequest writes the access log line of a request answered since start.
//
// Middleware keeps only what it needs across c.Next() and does its work in functions like
// this one: every frame live during the handler adds to the stack of the connection's
// goroutine, and a request path deeper than the goroutine's 8 KiB stack regrows it after
// every collection (which shrinks idle stacks) — a stack copy on every connection per GC.
func logRequest(logger *slog.Logger, c *gin.Context, start time.Time) {
	if !logger.Enabled(c.Request.Context(), slog.LevelInfo) {
		return // --log-level warn: no line, so no attributes to build either
	}
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method),
		slog.String("route", routeLabel(c)),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("request_id", RequestID(c.Request.Context())),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
		// Who asked, as kind:name: never a credential.
		slog.String("principal", actorOf(auth.FromContext(c.Request.Context()))),
	}
	if last := c.Errors.Last(); last != nil && c.Writer.Status() < 500 {
		// 5xx causes are logged where they are answered; keep client errors visible too.
		attrs = append(attrs, slog.String("error", last.Err.Error()))
	}
	logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "http request", attrs...)
}

// recovery turns a panic into a 500 in Backstage's error shape; the panic value and the
// stack go to the log only.
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared by identity, as net/http does
				panic(v)
			}
			s.logger.ErrorContext(c.Request.Context(), "panic serving request",
				slog.String("request_id", RequestID(c.Request.Context())),
				slog.String("route", routeLabel(c)),
				slog.Any("error", fmt.Errorf("panic: %v", v)),
				slog.String("stack", string(debug.Stack())))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			s.writeError(c, errors.New("panic"))
			c.Abort()
		}()
		c.Next()
	}
}

// bodyLimit caps request bodies at limit bytes. A declared Content-Length over the limit
// is refused at once; otherwise reading past it fails with *http.MaxBytesError, which
// errorResponse answers with 413.
func (s *Server) bodyLimit(limit int64) gin.HandlerFunc {
	importLimit := s.deps.MaxImportBytes
	if importLimit <= 0 {
		importLimit = defaultMaxImportBytes
	}
	return func(c *gin.Context) {
		limit := limit
		if c.FullPath() == costsImportPath {
			limit = importLimit // a streamed FOCUS file
		}
		if c.Request.ContentLength > limit {
			s.writeError(c, &http.MaxBytesError{Limit: limit})
			c.Abort()
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody { // no body, nothing to bound
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// Backstage's backend answers with helmet's headers; these are the same values, except
// that script-src drops 'unsafe-eval': no script in web/static evaluates strings.
const (
	cspAPI = "default-src 'self';base-uri 'self';font-src 'self' https: data:;frame-ancestors 'self';" +
		"img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';" +
		"style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
	// cspUI drops upgrade-insecure-requests so the UI still loads its assets when the
	// portal is served over plain HTTP on a non-localhost name.
	cspUI = "default-src 'self';base-uri 'self';font-src 'self' https: data:;frame-ancestors 'self';" +
		"img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';" +
		"style-src 'self' https: 'unsafe-inline'"
)

// securityHeaderValues are helmet's headers other than the CSP, with canonical keys and
// one-element values, so a request assigns them without allocating (cap 1: a handler's
// Header().Add copies rather than writing into the shared array).
var securityHeaderValues = [...]struct {
	key   string
	value []string
}{
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Strict-Transport-Security", []string{"max-age=15552000; includeSubDomains"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Dns-Prefetch-Control", []string{"off"}},
	{"X-Download-Options", []string{"noopen"}},
	{"X-Frame-Options", []string{"SAMEORIGIN"}},
	{"X-Permitted-Cross-Domain-Policies", []string{"none"}},
	{"X-Xss-Protection", []string{"0"}},
}

var (
	cspAPIValue = []string{cspAPI}
	cspUIValue  = []string{cspUI}
)

// securityHeaders sets helmet's headers as Backstage sends them. Handlers may override any.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			h["Content-Security-Policy"] = cspAPIValue
		} else {
			h["Content-Security-Policy"] = cspUIValue
		}
		for i := range securityHeaderValues { // by index: a range copy of the array sits on the stack
			h[securityHeaderValues[i].key] = securityHeaderValues[i].value
		}
		c.Next()
	}
}
