package main

import (
	"encoding/json"
	"hash/fnv"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// embeddingsServer is an OpenAI-compatible /v1/embeddings endpoint: each text's vector has
// dims entries derived from the text's bytes. It counts the texts it embedded.
func embeddingsServer(t *testing.T, dims int, texts *atomic.Int64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" {
			http.NotFound(w, r)
			return
		}
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		texts.Add(int64(len(req.Input)))
		data := make([]map[string]any, len(req.Input))
		for i, in := range req.Input {
			v := make([]float32, dims)
			for _, word := range strings.Fields(in) {
				h := fnv.New32a()
				h.Write([]byte(strings.ToLower(word)))
				v[h.Sum32()%uint32(dims)]++
			}
			data[i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
			"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestIndexWithEmbeddingsEndpoint indexes docs with an OpenAI-compatible endpoint
// configured (every chunk is embedded there, under the endpoint's model), and with one that
// is down (the local embedder takes over and the log says so).
func TestIndexWithEmbeddingsEndpoint(t *testing.T) {
	docs := t.TempDir()
	writeDocs(t, docs, 30)
	var texts atomic.Int64
	srv := embeddingsServer(t, 48, &texts)

	env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir(), "PORTAL_DOCS_DIRS": docs,
		"PORTAL_FILE_LOCATION_ROOTS": docs, "OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_API_KEY": "test-key",
		"PORTAL_EMBED_MODEL": "tiny-embed", "PORTAL_EMBED_DIMS": "48"})
	var stdout, stderr strings.Builder
	if err := run(t.Context(), []string{"index"}, env, nil, &stdout, &stderr); err != nil {
		t.Fatalf("index: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "90 embedded with openai:tiny-embed:48") || texts.Load() < 90 {
		t.Errorf("index with an endpoint printed %q after %d texts, want 90 chunks embedded with openai:tiny-embed:48",
			stdout.String(), texts.Load())
	}

	// An endpoint that refuses connections: the local embedder, and a clear warning.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/v1"
	ln.Close()
	env = testEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir(), "PORTAL_DOCS_DIRS": docs,
		"PORTAL_FILE_LOCATION_ROOTS": docs, "OPENAI_BASE_URL": down, "PORTAL_EMBED_MODEL": "tiny-embed",
		"PORTAL_EMBED_DIMS": "48", "PORTAL_LOG_LEVEL": "warn"})
	stdout.Reset()
	stderr.Reset()
	if err := run(t.Context(), []string{"index"}, env, nil, &stdout, &stderr); err != nil {
		t.Fatalf("index with the endpoint down: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "embeddings endpoint unavailable; using the offline local embedder") ||
		!strings.Contains(stdout.String(), "90 embedded with hashed-tfidf") {
		t.Errorf("index with the endpoint down printed %q, logged %q; want the local embedder and a warning", stdout.String(), stderr.String())
	}
}
