package assistant_test

import (
	"runtime"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nextportal/portal/assistant"
)

// benchQuestions mix the kinds of questions the local composer answers over the demo org.
var benchQuestions = []string{
	"who owns the payments API service?",
	"what does the orders service depend on?",
	"who is on the checkout team",
	"how do I rotate the orders database password?",
	"why do orders use a transactional outbox",
	"what is in the ledger system?",
	"who owns the billing-engine service?",
	"how do I purge the CDN",
}

// BenchmarkAskLocal times whole answers of the local composer over the demo org, as a
// viewer, and reports the time to the first token and to the full answer (p50 and p95).
func BenchmarkAskLocal(b *testing.B) {
	o := newPipelineOrg(b)
	ctx := as(viewer)
	var first, full []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchQuestions[i%len(benchQuestions)]
		start := time.Now()
		var ttft time.Duration
		_, err := o.svc.Ask(ctx, assistant.Question{Message: q}, func(e assistant.Event) error {
			if e.Kind == assistant.EventToken && ttft == 0 {
				ttft = time.Since(start)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		first = append(first, ttft)
		full = append(full, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(pct(first, 50), "ms-first-token-p50")
	b.ReportMetric(pct(first, 95), "ms-first-token-p95")
	b.ReportMetric(pct(full, 50), "ms-answer-p50")
	b.ReportMetric(pct(full, 95), "ms-answer-p95")
}

// pct is the p-th percentile of ds in milliseconds.
func pct(ds []time.Duration, p int) float64 {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	i = min(max(i-1, 0), len(s)-1)
	return float64(s[i].Microseconds()) / 1000
}

// BenchmarkAskLocalParallel asks from 8 concurrent clients (per GOMAXPROCS) and reports
// answers per second.
func BenchmarkAskLocalParallel(b *testing.B) {
	o := newPipelineOrg(b)
	ctx := as(viewer)
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start := time.Now()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			q := benchQuestions[int(n.Add(1))%len(benchQuestions)]
			if _, err := o.svc.Ask(ctx, assistant.Question{Message: q}, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "answers/s")
}
