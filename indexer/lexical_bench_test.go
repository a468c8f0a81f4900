package indexer

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
)

// benchGen makes synthetic chunks: words of a random vocabulary drawn with a Zipf law,
// as the words of real prose are.
type benchGen struct {
	r     *rand.Rand
	z     *rand.Zipf
	words []string
}

// newBenchGen returns a generator with a vocabulary of 5,000 words.
func newBenchGen(seed uint64) *benchGen {
	r := rand.New(rand.NewPCG(seed, seed+1))
	words := make([]string, 5000)
	for i := range words {
		var sb strings.Builder
		for range 3 + r.IntN(7) {
			sb.WriteByte(byte('a' + r.IntN(26)))
		}
		words[i] = sb.String()
	}
	return &benchGen{r: r, z: rand.NewZipf(r, 1.1, 2, uint64(len(words)-1)), words: words}
}

// text returns n words.
func (g *benchGen) text(n int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(g.words[g.z.Uint64()])
	}
	return sb.String()
}

// changes returns n one-chunk documents of 60 to 100 words from seq first on, a third of
// them restricted.
func (g *benchGen) changes(first, n int) []Change {
	out := make([]Change, n)
	for i := range out {
		id := first + i
		d := Document{ID: fmt.Sprintf("doc:%07d", id), Kind: KindDoc, Source: "docs", Title: g.text(4),
			Visibility: auth.VisibilityPublic, Hash: fmt.Sprintf("h%d", id),
			Fields: map[string][]string{FieldKind: {[]string{"component", "api", "group"}[id%3]}}}
		if id%3 == 2 {
			d.Visibility, d.Allowed = auth.VisibilityRestricted, []string{"group:default/g0"}
		}
		c := StoredChunk{ID: d.ID + "#0", DocID: d.ID, Heading: g.text(3), Text: g.text(60 + g.r.IntN(40))}
		out[i] = Change{Seq: int64(id), DocID: d.ID, Document: d, Chunks: []StoredChunk{c}}
	}
	return out
}

func BenchmarkLexicalApply(b *testing.B) {
	g := newBenchGen(11)
	x, err := openLexical(b.TempDir()+"/bleve", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = x.Close() })
	const batch = 500
	next := 1
	for b.Loop() {
		b.StopTimer()
		changes := g.changes(next, batch)
		next += batch
		b.StartTimer()
		if err := x.apply(changes); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "chunks/s")
}

func BenchmarkLexicalSearch(b *testing.B) {
	const n = 100_000
	g := newBenchGen(13)
	x, err := openLexical(b.TempDir()+"/bleve", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = x.Close() })
	for first := 1; first <= n; first += 1000 {
		if err := x.apply(g.changes(first, 1000)); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range benchCallers {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				// Three words of middling frequency, different each time.
				text := strings.Join([]string{g.words[20+i%200], g.words[300+i%700], g.words[1000+i%3000]}, " ")
				i++
				if _, _, err := x.search(b.Context(), lexicalQuery{Text: text, Filters: c.filters, Audience: c.aud, K: 100}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
