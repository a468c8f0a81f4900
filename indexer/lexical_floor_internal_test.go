package indexer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
)

// TestLexicalFloorKeepsTopK checks the floor's promise: given the K-th best score (or any
// lower floor), the top K hits and their scores are those of the search without it, while
// it visits fewer documents (the total), over a corpus where a few terms are in every
// document and restricted documents must stay out.
func TestLexicalFloorKeepsTopK(t *testing.T) {
	x := newTestLexical(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	rare := strings.Fields("artist payments ledger royalty fraud podcast")
	var changes []Change
	for i := range 600 {
		words := []string{"owned", "by", "group", "part", "of", "system", "production", "service"}
		for range rnd.IntN(4) {
			words = append(words, rare[rnd.IntN(len(rare))])
		}
		if i%100 == 5 {
			words = append(words, "zebra") // in 6 documents, fewer than K
		}
		for range rnd.IntN(20) {
			words = append(words, "filler"+fmt.Sprint(rnd.IntN(50)))
		}
		rnd.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		text := strings.Join(words, " ")
		d := lexDoc(fmt.Sprintf("doc:%03d", i), fmt.Sprintf("entity %d", i), func(d *Document) { d.Text = text })
		if i%7 == 0 {
			d.Visibility, d.Allowed = auth.VisibilityRestricted, []string{"group:default/other"}
		}
		changes = append(changes, lexChange(int64(i+1), d, text))
	}
	lexApply(t, x, changes...)
	viewer := AudienceOf(auth.Principal{Kind: auth.KindUser, Subject: "user:default/v", Role: auth.RoleViewer, Scope: auth.ScopeRead})
	for _, tc := range []struct {
		name  string
		terms []bm25Term
		k     int
		prune bool // the K-th score is high enough to skip documents
	}{
		{"one rare term and common expansion", []bm25Term{{"artist", 0.9}, {"owned", 0.02}, {"system", 0.03}, {"production", 0.05}}, 20, true},
		{"two rare terms", []bm25Term{{"payments", 1}, {"ledger", 0.5}, {"group", 0.01}, {"part", 0.01}, {"service", 0.02}}, 50, true},
		{"deep k", []bm25Term{{"fraud", 1}, {"owned", 0.1}, {"filler7", 0.2}}, 100, true},
		{"fewer matches of the rare term than K", []bm25Term{{"zebra", 1}, {"owned", 0.1}, {"group", 0.05}, {"filler3", 0.3}}, 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i, bt := range tc.terms {
				tc.terms[i].term = Terms(bt.term)[0] // analysed, as the query's
			}
			q := lexicalQuery{Terms: tc.terms, Docs: true, Audience: viewer, K: tc.k}
			want, wantTotal, err := x.search(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) != tc.k {
				t.Fatalf("%d hits, want %d", len(want), tc.k)
			}
			for _, floor := range []float64{want[tc.k-1].Score, want[tc.k-1].Score / 2} {
				q.Floor = floor
				got, total, err := x.search(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("floor %.4f: hits\n%v\nwant\n%v", floor, got, want)
				}
				if tc.prune && floor == want[tc.k-1].Score && total >= wantTotal {
					t.Errorf("floor %.4f visited %d documents, as many as without it (%d)", floor, total, wantTotal)
				}
			}
		})
	}
}

// TestPostingListSeek checks the galloping seek against a linear scan, from every start.
func TestPostingListSeek(t *testing.T) {
	for _, tc := range []struct {
		name string
		nums []uint64
	}{
		{"empty", nil},
		{"one", []uint64{5}},
		{"dense", []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"sparse", []uint64{3, 17, 18, 40, 41, 42, 90, 200, 201, 1000, 5000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &postingList{nums: tc.nums}
			for at := 0; at <= len(tc.nums); at++ {
				for num := uint64(0); num <= 5001; num++ {
					want := at
					for want < len(tc.nums) && tc.nums[want] < num {
						want++
					}
					if got := l.seek(at, num); got != want {
						t.Fatalf("seek(%d, %d) = %d, want %d", at, num, got, want)
					}
				}
			}
		})
	}
}

// TestLexicalFloorAfterChange checks that decoded postings follow the index: after a
// change, a pruned search finds what an unpruned one finds in the new state.
func TestLexicalFloorAfterChange(t *testing.T) {
	x := newTestLexical(t)
	var changes []Change
	for i := range 600 {
		text := "owned by group part of system"
		if i%3 == 0 {
			text += " artist"
		}
		d := lexDoc(fmt.Sprintf("doc:%03d", i), "entity", func(d *Document) { d.Text = text })
		changes = append(changes, lexChange(int64(i+1), d, text))
	}
	lexApply(t, x, changes...)
	terms := []bm25Term{{Terms("artist")[0], 1}, {Terms("owned")[0], 0.1}, {Terms("system")[0], 0.1}}
	check := func() {
		t.Helper()
		q := lexicalQuery{Terms: terms, Docs: true, Audience: Audience{All: true}, K: 10}
		cached, _, err := x.search(t.Context(), q) // with the postings decoded so far
		if err != nil {
			t.Fatal(err)
		}
		x.postings.mu.Lock()
		x.postings.snap, x.postings.lists = nil, nil
		x.postings.mu.Unlock()
		want, _, err := x.search(t.Context(), q) // decoded afresh
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cached, want) {
			t.Errorf("with postings decoded before: hits\n%v\nwant\n%v", cached, want)
		}
		q.Floor = want[len(want)-1].Score
		got, _, err := x.search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("floor %.4f: hits\n%v\nwant\n%v", q.Floor, got, want)
		}
	}
	check()
	// Rewrite the documents so that "owned" appears three times in the artist ones and
	// drop the first fifty: the decoded postings of the old snapshot no longer hold.
	changes = changes[:0]
	for i := range 600 {
		if i < 50 {
			changes = append(changes, lexDelete(int64(601+i), fmt.Sprintf("doc:%03d", i)))
			continue
		}
		text := "owned by group part of system"
		if i%3 == 0 {
			text = "owned owned owned artist system"
		}
		d := lexDoc(fmt.Sprintf("doc:%03d", i), "entity", func(d *Document) { d.Text = text })
		changes = append(changes, lexChange(int64(601+i), d, text))
	}
	lexApply(t, x, changes...)
	check()
}
