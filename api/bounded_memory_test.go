package api_test

import (
	"runtime"
	"strings"
	"testing"
)

// TestViewerRequestsCostBoundedMemory sends an authenticated viewer's worst cases (the
// longest query and words the search allows and beyond, deep and wide filters, cursors
// and predicates, huge limits) and checks each gets its status and that neither what it
// allocates nor what stays on the heap after it grows past a bound far below the
// gigabytes an unbounded request took. It measures bytes, not time.
func TestViewerRequestsCostBoundedMemory(t *testing.T) {
	env := newSearchEnv(t)
	const cat = "/api/catalog"
	// Words of the longest length allowed, as many as did-you-mean checks.
	longWords := strings.TrimSuffix(strings.Repeat(strings.Repeat("q", 128)+"+", 7), "+")
	// Words as long as did-you-mean still fuzzy-matches, distinct, more than it checks.
	var fuzzy []string
	for i := range 12 {
		fuzzy = append(fuzzy, strings.Repeat(string(rune('a'+i)), 65))
	}
	fuzzyWords := strings.Join(fuzzy, "+")
	tests := []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/api/v1/search?q=" + strings.Repeat("w", 70000), "", 400},
		{"GET", "/api/v1/search?q=" + strings.Repeat("w", 3000), "", 400},
		{"GET", "/api/v1/search?q=" + longWords, "", 200},
		{"GET", "/api/search/query?term=" + longWords, "", 200},
		{"GET", "/api/v1/search?q=" + fuzzyWords, "", 200},
		{"GET", "/search?q=" + longWords, "", 200},
		{"GET", "/search?q=" + strings.Repeat("w", 70000), "", 400},
		{"GET", cat + "/entities/by-query?cursor=" + cursorWith(nestedNot(1000), 0), "", 400},
		{"GET", cat + "/entities/by-query?" + manyFilters(1000), "", 400},
		{"GET", cat + "/entity-facets?facet=kind&" + manyFilters(1000), "", 400},
		{"POST", cat + "/entities/by-query", `{"query":` + nestedPredicate(5000) + `}`, 400},
		{"GET", cat + "/entities/by-query?limit=1000000000", "", 400},
		{"GET", cat + "/entities?limit=1000000000", "", 400},
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, tt := range tests {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		w := env.doAs(asViewer, tt.method, tt.path, tt.body)
		runtime.ReadMemStats(&m1)
		name := tt.method + " " + tt.path[:min(len(tt.path), 80)]
		if w.Code != tt.status {
			t.Errorf("%s = %d %.200s, want %d", name, w.Code, w.Body, tt.status)
		}
		const maxAlloc = 32 << 20
		if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > maxAlloc {
			t.Errorf("%s allocated %d MB, want at most %d MB", name, alloc>>20, maxAlloc>>20)
		} else {
			t.Logf("%s allocated %.1f MB", name, float64(alloc)/(1<<20))
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	const maxGrowth = 64 << 20
	if growth := int64(after.HeapAlloc) - int64(before.HeapAlloc); growth > maxGrowth {
		t.Errorf("the heap grew by %d MB over the requests, want at most %d MB", growth>>20, maxGrowth>>20)
	}
}
