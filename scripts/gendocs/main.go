// Command gendocs writes a synthetic folder of markdown docs for search benchmarks and load
// runs: N documents of four sections each, so that the indexer cuts about 4×N chunks.
//
//	go run ./scripts/gendocs -n 25000 -out /tmp/docs     # about 100,000 chunks
//	go run ./scripts/gendocs -queries 200 -out /tmp/docs # also writes queries.txt
//
// The words follow a Zipf distribution over a vocabulary of engineering terms and
// generated rare words, so term statistics look like real docs (a few very common words,
// a long tail). Each section has a topic: words that co-occur, as real prose's do, which
// gives the local LSA embedder something to learn. The output is deterministic for a
// given -n.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("n", 25000, "number of documents (four sections each)")
	queries := flag.Int("queries", 200, "number of queries to write to OUT/queries.txt")
	out := flag.String("out", "", "output directory (required)")
	flag.Parse()
	if *out == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "gendocs: -out is required and -n must be positive")
		os.Exit(2)
	}
	if err := write(*out, *n, *queries); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

var base = strings.Fields(`service deploy database retry timeout queue consumer producer kafka topic
partition offset lag latency error budget alert page incident runbook rollback release canary
cluster node pod container image registry secret credential rotate token certificate expiry
cache redis eviction memory leak cpu throttle quota limit rate backoff jitter idempotent
payment ledger invoice refund checkout cart order inventory stock warehouse shipment carrier
search index query ranking relevance embedding vector shard replica failover backup restore
migration schema column table lock deadlock transaction isolation snapshot vacuum bloat
metric dashboard trace span log sampling cardinality histogram percentile owner team oncall
escalation postmortem root cause mitigation action item review approval pipeline build test
flaky artifact dependency upgrade vulnerability patch scan compliance audit access role policy`)

// vocab is the base vocabulary plus generated rare words.
func vocab(r *rand.Rand) []string {
	v := append([]string(nil), base...)
	const letters = "bcdfghjklmnprstvz"
	const vowels = "aeiou"
	for range 20000 {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteByte(letters[r.IntN(len(letters))])
			b.WriteByte(vowels[r.IntN(len(vowels))])
		}
		v = append(v, b.String())
	}
	return v
}

func write(dir string, n, nq int) error {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	v := vocab(r)
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(v)-1))
	// topics: small sets of base words that co-occur in a section.
	topics := make([][]string, 60)
	for i := range topics {
		for range 6 {
			topics[i] = append(topics[i], base[r.IntN(len(base))])
		}
	}
	sentence := func(topic []string) string {
		k := 8 + r.IntN(10)
		ws := make([]string, k)
		for i := range ws {
			if r.IntN(3) == 0 {
				ws[i] = topic[r.IntN(len(topic))]
			} else {
				ws[i] = v[zipf.Uint64()]
			}
		}
		return strings.ToUpper(ws[0][:1]) + ws[0][1:] + " " + strings.Join(ws[1:], " ") + "."
	}
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", i/500))
		if i%500 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
		}
		var b strings.Builder
		t := topics[r.IntN(len(topics))]
		fmt.Fprintf(&b, "# %s %s guide %d\n\n", t[0], t[1], i)
		for s := range 4 {
			st := topics[r.IntN(len(topics))]
			fmt.Fprintf(&b, "## %s %s %d\n\n", st[0], st[2], s)
			for range 3 {
				for range 3 {
					b.WriteString(sentence(st) + " ")
				}
				b.WriteString("\n\n")
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("doc-%06d.md", i)), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(dir, "queries.txt"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for range nq {
		t := topics[r.IntN(len(topics))]
		fmt.Fprintf(w, "%s %s %s\n", t[r.IntN(len(t))], t[r.IntN(len(t))], v[zipf.Uint64()])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
