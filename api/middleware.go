package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, or "" outside a request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID takes the caller's X-Request-Id when it is sane, or makes one, echoes it in
// the response and puts it in the request's context.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !validRequestID(id) {
			id = uuid.NewString()
		}
		c.Header(requestIDHeader, id)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
		c.Next()
	}
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
		if c.Request.Body != nil {
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
		for _, kv := range securityHeaderValues {
			h[kv.key] = kv.value
		}
		c.Next()
	}
}
