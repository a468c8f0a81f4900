package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// readJSON decodes the request body, which must be a JSON object, into v. With strict,
// unknown fields are refused. Messages follow Backstage's requireRequestBody and
// validateRequestBody; a body over the size limit yields *http.MaxBytesError.
func readJSON(c *gin.Context, v any, strict bool) error {
	raw, err := readBody(c)
	if err != nil {
		return err
	}
	return decodeJSON(raw, v, strict)
}

// readBody reads the whole request body, trimmed of white space.
func readBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, inputErrorf("read request body: %v", err)
	}
	return bytes.TrimSpace(raw), nil
}

// decodeJSON decodes raw, which must be one JSON object, into v.
func decodeJSON(raw []byte, v any, strict bool) error {
	if len(raw) == 0 {
		return inputErrorf("Missing request body")
	}
	if raw[0] != '{' {
		return inputErrorf("Expected body to be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return inputErrorf("Malformed request: %v", err)
	}
	if dec.More() {
		return inputErrorf("Malformed request: unexpected data after the JSON object")
	}
	return nil
}

// readOptionalJSON is readJSON for bodies that may be absent: an empty body leaves v as is.
func readOptionalJSON(c *gin.Context, v any) error {
	raw, err := readBody(c)
	if err != nil || len(raw) == 0 {
		return err
	}
	return decodeJSON(raw, v, false)
}
