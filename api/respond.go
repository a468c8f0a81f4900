package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// catalogPrefix is where Backstage's catalog API is mounted. Error bodies name the request
// URL relative to it, as Backstage's router does.
const catalogPrefix = "/api/catalog"

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(c *gin.Context) error

// handle adapts h to gin, answering a returned error with writeError.
func (s *Server) handle(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.writeError(c, err)
		}
	}
}

// errorBody is Backstage's error response body.
type errorBody struct {
	Error    errorInfo    `json:"error"`
	Request  requestInfo  `json:"request"`
	Response responseInfo `json:"response"`
}

type errorInfo struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

type requestInfo struct {
	Method string `json:"method"`
	URL    string `json:"url"`
}

type responseInfo struct {
	StatusCode int `json:"statusCode"`
}

// writeError answers err in Backstage's error shape. Server errors are logged with their
// detail; the client gets a short message and the request id.
func (s *Server) writeError(c *gin.Context, err error) {
	status, name, msg := errorResponse(err)
	if status >= 500 {
		id := RequestID(c.Request.Context())
		s.logger.ErrorContext(c.Request.Context(), "request failed",
			slog.String("request_id", id), slog.String("route", routeLabel(c)), slog.Any("error", err))
		msg += " (request id " + id + ")"
	}
	c.Error(err) //nolint:errcheck // recorded for the access log; gin returns its own wrapper
	writeJSON(c, status, errorBody{
		Error:    errorInfo{Name: name, Message: msg},
		Request:  requestInfo{Method: c.Request.Method, URL: relativeURL(c.Request)},
		Response: responseInfo{StatusCode: status},
	})
}

// relativeURL is the request URL as Backstage reports it: relative to the catalog's mount
// point for catalog routes, the full path and query otherwise.
func relativeURL(r *http.Request) string {
	u := r.URL.RequestURI()
	if rest, ok := strings.CutPrefix(u, catalogPrefix); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
		return rest
	}
	return u
}

// writeJSON writes v as JSON without HTML escaping, like Express's res.json.
func writeJSON(c *gin.Context, status int, v any) {
	// A JSON answer may hold what only this caller may see: no cache keeps it.
	c.Header("Cache-Control", "no-store")
	writeBody(c, status, encodeJSON(v))
}

// encodeJSON encodes v as writeJSON sends it.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a programmer error (an unencodable type) gets here.
		panic(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}
