package api_test

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store/storetest"
)

// benchClients is how many clients ask at once in BenchmarkChatHTTP.
const benchClients = 8

// BenchmarkChatHTTP serves the demo org (catalog and docs indexed for search) with the
// local composer over real HTTP and has 8 clients ask questions at once through
// POST /api/v1/assistant/chat, streamed. It reports requests per second, time to the
// first token and to the done event (p50/p95), as `make bench` prints them.
func BenchmarkChatHTTP(b *testing.B) {
	gin.SetMode(gin.TestMode)
	ctx := auth.NewContext(b.Context(), auth.System())
	db := storetest.New(b)
	root := b.TempDir()
	orgDir, err := demo.Extract(filepath.Join(root, "demo"))
	if err != nil {
		b.Fatal(err)
	}
	cat := catalog.NewService(db, []string{root})
	if _, _, err := cat.Import(ctx, orgDir); err != nil {
		b.Fatalf("import the demo org: %v", err)
	}
	idx, err := indexer.Open(ctx, indexer.Options{Store: db, Vectors: db.VectorIndex(),
		BleveDir: filepath.Join(b.TempDir(), "bleve"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	if _, err := idx.Index(ctx, []indexer.Source{indexer.NewCatalogSource(cat), indexer.NewTechDocsSource(cat, []string{root})}, nil); err != nil {
		b.Fatalf("index the demo org: %v", err)
	}
	svc, err := assistant.New(assistant.Deps{Catalog: cat, Search: idx, Store: db})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api.NewServer(api.Deps{Catalog: cat, Search: idx, Assistant: svc, Demo: true,
		Auth: auth.NewService(auth.Options{Store: db, Directory: cat}), Logger: slog.New(slog.DiscardHandler)}))
	b.Cleanup(srv.Close)
	questions := benchQuestions(b, cat)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}

	b.Run(fmt.Sprintf("clients=%d", benchClients), func(b *testing.B) {
		var next atomic.Int64
		var mu sync.Mutex
		var first, full []time.Duration
		start := time.Now()
		var wg sync.WaitGroup
		for range benchClients {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= int64(b.N) {
						return
					}
					ttft, total, err := askStreamed(client, srv.URL, questions[int(i)%len(questions)])
					if err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					first, full = append(first, ttft), append(full, total)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
		b.ReportMetric(ms(percentile(first, 50)), "ttft-p50-ms")
		b.ReportMetric(ms(percentile(first, 95)), "ttft-p95-ms")
		b.ReportMetric(ms(percentile(full, 50)), "full-p50-ms")
		b.ReportMetric(ms(percentile(full, 95)), "full-p95-ms")
	})
}

// benchQuestions are relationship questions about the demo org's own entities, and doc
// questions made of the headings of its docs, so the mix follows whatever the org holds.
func benchQuestions(b *testing.B, cat *catalog.Service) []string {
	b.Helper()
	page, err := cat.Query(auth.NewContext(b.Context(), auth.System()), catalog.Query{Limit: 500})
	if err != nil {
		b.Fatal(err)
	}
	templates := []string{"who owns %s?", "what does %s depend on?", "what is %s", "which apis does %s provide"}
	var qs []string
	for i, e := range page.Entities {
		if e.Kind == "Component" || e.Kind == "API" || e.Kind == "System" || e.Kind == "Group" {
			qs = append(qs, fmt.Sprintf(templates[i%len(templates)], e.Metadata.Name))
		}
	}
	qs = append(qs, "how do I rotate a database password?", "what should I do when consumer lag grows?",
		"how are retries configured for kafka consumers?", "how do I roll back a deploy?")
	if len(qs) < 10 {
		b.Fatalf("the demo org gave only %d questions", len(qs))
	}
	return qs
}

// askStreamed asks q as the demo guest with Accept: text/event-stream and returns the
// time to the first token event and to the done event.
func askStreamed(client *http.Client, base, q string) (ttft, total time.Duration, err error) {
	start := time.Now()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/assistant/chat", strings.NewReader(chatBody(q, "")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("ask %q: status %d", q, resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		switch sc.Text() {
		case "event: token", "event: done":
			if ttft == 0 {
				ttft = time.Since(start)
			}
			if sc.Text() == "event: done" {
				return ttft, time.Since(start), nil
			}
		case "event: error":
			return 0, 0, fmt.Errorf("ask %q: error event", q)
		}
	}
	return 0, 0, fmt.Errorf("ask %q: the stream ended without done: %v", q, sc.Err())
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
