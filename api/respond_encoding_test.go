package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

func TestEntityETag(t *testing.T) {
	env := newLoadedEnv(t)
	const path = "/api/catalog/entities/by-name/component/default/payments-api"
	get := func(who, ifNoneMatch string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		req.Header.Set("Authorization", "Bearer "+env.tokens[who])
		return recorder(env, req).Result()
	}
	first := get(asAdmin, "")
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || len(etag) < 10 || etag[0] != '"' {
		t.Fatalf("first GET = %d with ETag %q, want 200 with a quoted ETag", first.StatusCode, etag)
	}
	uid := env.uidOf("component", "payments-api")
	byUID := recorder(env, func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "/api/catalog/entities/by-uid/"+uid, nil)
		return r
	}()).Result()
	if got := byUID.Header.Get("ETag"); got != etag {
		t.Errorf("by-uid ETag = %q, want by-name's %q (same bytes)", got, etag)
	}
	tests := []struct {
		name, ifNoneMatch string
		want              int
	}{
		{"same tag", etag, http.StatusNotModified},
		{"weak form of the tag", "W/" + etag, http.StatusNotModified},
		{"tag in a list", `"other", ` + etag, http.StatusNotModified},
		{"any", "*", http.StatusNotModified},
		{"other tag", `"0123456789abcdef"`, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(asAdmin, tt.ifNoneMatch)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.want {
				t.Fatalf("If-None-Match %s: status %d, want %d", tt.ifNoneMatch, res.StatusCode, tt.want)
			}
			if tt.want == http.StatusNotModified && len(body) != 0 {
				t.Errorf("304 with a body of %d bytes", len(body))
			}
			if res.Header.Get("ETag") != etag {
				t.Errorf("ETag = %q, want %q", res.Header.Get("ETag"), etag)
			}
		})
	}
	// The tag is of what this caller sees: an entity read that 404s has none.
	if res := get(asAdmin, ""); res.Header.Get("ETag") == "" {
		t.Error("no ETag on the second GET")
	}
	missing := recorder(env, func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "/api/catalog/entities/by-name/component/default/nope", nil)
		r.Header.Set("If-None-Match", "*")
		return r
	}()).Result()
	if missing.StatusCode != http.StatusNotFound || missing.Header.Get("ETag") != "" {
		t.Errorf("missing entity with If-None-Match *: %d, ETag %q; want 404 without a tag", missing.StatusCode, missing.Header.Get("ETag"))
	}
}

func TestListGzip(t *testing.T) {
	env := newLoadedEnv(t)
	const path = "/api/catalog/entities/by-query?limit=50"
	plain := env.do(http.MethodGet, path, "")
	if plain.Code != http.StatusOK || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("GET without Accept-Encoding: %d, Content-Encoding %q", plain.Code, plain.Header().Get("Content-Encoding"))
	}
	if plain.Body.Len() < 8<<10 {
		t.Fatalf("the fixture page is %d bytes, under the gzip threshold: the test proves nothing", plain.Body.Len())
	}
	for _, tt := range []struct {
		accept string
		gzip   bool
	}{
		{"gzip", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"gzip;q=0", false},
		{"identity", false},
	} {
		t.Run(tt.accept, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			w := recorder(env, req)
			if w.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", w.Header().Get("Vary"))
			}
			body := w.Body.Bytes()
			if got := w.Header().Get("Content-Encoding") == "gzip"; got != tt.gzip {
				t.Fatalf("gzip = %v, want %v", got, tt.gzip)
			}
			if tt.gzip {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, plain.Body.Bytes()) {
				t.Errorf("decoded body differs from the plain one")
			}
		})
	}
}
