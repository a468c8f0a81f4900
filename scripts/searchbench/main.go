// Command searchbench drives GET /api/v1/search of a running portal with varied queries
// from a file, from C concurrent clients, and prints throughput and latency percentiles
// per search mode:
//
//	go run ./scripts/searchbench -url http://127.0.0.1:7007 -token np_… -queries q.txt -c 8 -n 2000
//
// It exists beside rakyll/hey (used for the catalog routes) because a search load run
// needs a different query per request: the same query over and over measures caches.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:7007", "portal base URL")
	token := flag.String("token", "", "bearer token")
	qfile := flag.String("queries", "", "file with one query per line (required)")
	modes := flag.String("modes", "lexical,vector,hybrid", "comma-separated search modes")
	conc := flag.Int("c", 8, "concurrent clients")
	n := flag.Int("n", 1000, "requests per mode")
	cached := flag.Bool("cached", false, "let the portal answer repeated queries from its answer cache (default: every request searches, Cache-Control: no-cache)")
	flag.Parse()
	queries, err := readLines(*qfile)
	if err != nil || len(queries) == 0 {
		fmt.Fprintln(os.Stderr, "searchbench: -queries must name a file with at least one query:", err)
		os.Exit(2)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}
	for _, mode := range strings.Split(*modes, ",") {
		lat, errs, elapsed := run(client, *base, *token, mode, queries, *conc, *n, *cached)
		slices.Sort(lat)
		fmt.Printf("%-8s c=%-2d %6.0f req/s  p50 %6.1fms  p95 %6.1fms  p99 %6.1fms  errors %d\n",
			mode, *conc, float64(len(lat))/elapsed.Seconds(), pct(lat, 50), pct(lat, 95), pct(lat, 99), errs)
	}
}

// run sends n requests of one mode from conc clients and returns each request's latency.
func run(client *http.Client, base, token, mode string, queries []string, conc, n int, cached bool) ([]time.Duration, int64, time.Duration) {
	var next, errs atomic.Int64
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				u := base + "/api/v1/search?limit=10&mode=" + url.QueryEscape(mode) + "&q=" + url.QueryEscape(queries[i%len(queries)])
				req, _ := http.NewRequest(http.MethodGet, u, nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				if !cached {
					// Measure the search itself, not the portal's answer cache.
					req.Header.Set("Cache-Control", "no-cache")
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				lat[i] = time.Since(t0)
				if err != nil {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return lat, errs.Load(), time.Since(start)
}

// pct is the p-th percentile of sorted latencies, in milliseconds.
func pct(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(len(sorted)-1, len(sorted)*p/100)
	return float64(sorted[i].Microseconds()) / 1000
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}
