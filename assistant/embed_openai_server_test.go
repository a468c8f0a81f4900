package assistant_test

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
)

// embedRequest is what the fake server reads from a POST /v1/embeddings.
type embedRequest struct {
	Input          []string `json:"input"`
	Model          string   `json:"model"`
	EncodingFormat string   `json:"encoding_format"`
	Dimensions     int      `json:"dimensions"`
	Auth           string   `json:"-"`
}

// failure is how the fake server answers a call instead of embedding.
type failure struct {
	status     int
	retryAfter string
}

// fakeEmbeddings is an httptest.Server speaking the OpenAI embeddings wire format. It
// answers each text with fakeVector(text, dims), listing the data in reverse order so that
// clients must sort by index, unless fail says to answer a call with an error.
type fakeEmbeddings struct {
	srv  *httptest.Server
	dims int
	fail func(call int) *failure // call counts from 0; nil means always succeed

	mu       sync.Mutex
	requests []embedRequest
}

// newFakeEmbeddings starts a fake server returning vectors of dims floats.
func newFakeEmbeddings(t *testing.T, dims int, fail func(call int) *failure) *fakeEmbeddings {
	t.Helper()
	f := &fakeEmbeddings{dims: dims, fail: fail}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/embeddings", f.handle)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// baseURL is the API root to configure a client with.
func (f *fakeEmbeddings) baseURL() string { return f.srv.URL + "/v1" }

// calls returns a copy of the requests received so far.
func (f *fakeEmbeddings) calls() []embedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeEmbeddings) handle(w http.ResponseWriter, r *http.Request) {
	var req embedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Auth = r.Header.Get("Authorization")
	f.mu.Lock()
	call := len(f.requests)
	f.requests = append(f.requests, req)
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if f.fail != nil {
		if fl := f.fail(call); fl != nil {
			if fl.retryAfter != "" {
				w.Header().Set("Retry-After", fl.retryAfter)
			}
			w.WriteHeader(fl.status)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
				"message": http.StatusText(fl.status), "type": "server_error"}})
			return
		}
	}
	type item struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding any    `json:"embedding"`
	}
	data := make([]item, len(req.Input))
	for i, text := range req.Input {
		var emb any = fakeVector(text, f.dims)
		if req.EncodingFormat == "base64" {
			emb = base64Floats(fakeVector(text, f.dims))
		}
		data[len(data)-1-i] = item{Object: "embedding", Index: i, Embedding: emb}
	}
	json.NewEncoder(w).Encode(map[string]any{
		"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": len(req.Input), "total_tokens": len(req.Input)},
	})
}

// fakeVector is the (not normalised) vector the fake server gives text: every text gets
// its own direction, with a norm well away from 1.
func fakeVector(text string, dims int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(text))
	seed := h.Sum64()
	v := make([]float32, dims)
	for k := range v {
		v[k] = float32(seed>>(k%61)&7) + 0.5
	}
	return v
}

// base64Floats encodes v as OpenAI does for encoding_format=base64: little-endian float32.
func base64Floats(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}
