package indexer_test

import (
	"context"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/indexer"
)

// demoSection is one heading section of a demo markdown doc.
type demoSection struct {
	path string // relative to the demo org
	text string
}

// demoSections reads every markdown file under a docs folder of the demo org and
// splits it at headings outside code fences.
func demoSections(t *testing.T) []demoSection {
	t.Helper()
	const root = "../internal/demo/org"
	var out []demoSection
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".md" ||
			!slices.Contains(strings.Split(filepath.ToSlash(path), "/"), "docs") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, s := range splitHeadings(string(b)) {
			out = append(out, demoSection{filepath.ToSlash(rel), s})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read demo docs: %v", err)
	}
	if len(out) < 200 {
		t.Fatalf("read %d demo sections, want at least 200", len(out))
	}
	return out
}

func splitHeadings(md string) []string {
	var secs []string
	var cur strings.Builder
	fenced := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if !fenced && strings.HasPrefix(line, "#") && strings.TrimSpace(cur.String()) != "" {
			secs = append(secs, cur.String())
			cur.Reset()
		}
		cur.WriteString(line)
	}
	if strings.TrimSpace(cur.String()) != "" {
		secs = append(secs, cur.String())
	}
	return secs
}

func mustEmbed(t *testing.T, e indexer.Embedder, texts ...string) [][]float32 {
	t.Helper()
	vs, err := e.Embed(t.Context(), texts)
	if err != nil {
		t.Fatalf("%s: Embed: %v", e.Model(), err)
	}
	if len(vs) != len(texts) {
		t.Fatalf("%s: Embed returned %d vectors for %d texts", e.Model(), len(vs), len(texts))
	}
	return vs
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func vecNorm(v []float32) float64 { return math.Sqrt(dotProduct(v, v)) }

func dotProduct(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// checkUnit fails unless every vector has e.Dims() entries and unit norm.
func checkUnit(t *testing.T, e indexer.Embedder, vs [][]float32) {
	t.Helper()
	for i, v := range vs {
		if len(v) != e.Dims() {
			t.Fatalf("%s: vector %d has %d dims, want %d", e.Model(), i, len(v), e.Dims())
		}
		if n := vecNorm(v); math.Abs(n-1) > 1e-5 {
			t.Errorf("%s: vector %d has norm %v, want 1", e.Model(), i, n)
		}
	}
}

// retrievalQueries are written without the words of the target doc's title.
var retrievalQueries = []struct{ query, want string }{
	{"how do I change the orders database credentials", "systems/order-management/orders-service/docs/runbook.md"},
	{"retry failed kafka messages", "systems/developer-platform/kafka-client-go/docs/retries.md"},
	{"request a read-only role through teleport to look at test data", "systems/developer-platform/docs/staging-database-access.md"},
	{"new laptop setup: install tools and join slack channels", "systems/developer-platform/docs/onboarding.md"},
	{"customers were charged twice when stripe was slow", "systems/payments/payments-api/docs/postmortems/2024-09-12-duplicate-captures.md"},
	{"empty a customer's basket for a support ticket", "systems/checkout/cart-service/docs/runbook.md"},
	{"temporarily stop sending delivery emails while the provider is down", "systems/order-management/shipment-notifier/docs/runbook.md"},
	{"rerun the daily report for an earlier date", "systems/ledger/reconciliation-worker/docs/runbook.md"},
}

// rankOf embeds the sections and each query, scores each doc by its best section's
// cosine, and returns the 1-based rank of each query's target doc.
func rankOf(t *testing.T, e indexer.Embedder, secs []demoSection) []int {
	t.Helper()
	texts := make([]string, len(secs))
	for i, s := range secs {
		texts[i] = s.text
	}
	vs := mustEmbed(t, e, texts...)
	var ranks []int
	for _, q := range retrievalQueries {
		qv := mustEmbed(t, e, q.query)[0]
		best := map[string]float64{}
		for i, s := range secs {
			if c, ok := best[s.path]; !ok || cosine(qv, vs[i]) > c {
				best[s.path] = cosine(qv, vs[i])
			}
		}
		rank := 1
		for p, c := range best {
			if p != q.want && c >= best[q.want] {
				rank++
			}
		}
		ranks = append(ranks, rank)
	}
	return ranks
}

func TestEmbedCancelled(t *testing.T) {
	secs := demoSections(t)
	texts := make([]string, len(secs))
	for i, s := range secs {
		texts[i] = s.text
	}
	lsa, err := indexer.TrainLSA(texts, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, e := range []indexer.Embedder{indexer.NewHashed(64), lsa} {
		if _, err := e.Embed(ctx, texts); err != context.Canceled {
			t.Errorf("%s: Embed on a cancelled ctx: err %v, want context.Canceled", e.Model(), err)
		}
	}
}
