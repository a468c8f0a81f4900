package indexer

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLexicalApply(t *testing.T) {
	tests := []struct {
		name      string
		changes   [][]Change // batches applied in turn
		wantCount uint64
		wantSeq   int64
		search    string
		wantHits  []string
	}{
		{
			name: "idempotent",
			changes: [][]Change{
				{lexChange(1, lexDoc("doc:a", "a"), "apple pie", "apple tart"), lexChange(2, lexDoc("doc:b", "b"), "apple juice")},
				{lexChange(1, lexDoc("doc:a", "a"), "apple pie", "apple tart"), lexChange(2, lexDoc("doc:b", "b"), "apple juice")},
			},
			wantCount: 3, wantSeq: 2, search: "apple", wantHits: []string{"doc:a#0", "doc:a#1", "doc:b#0"},
		},
		{
			name: "delete removes every chunk",
			changes: [][]Change{
				{lexChange(1, lexDoc("doc:a", "a"), "apple pie", "apple tart"), lexChange(2, lexDoc("doc:b", "b"), "apple juice")},
				{lexDelete(3, "doc:a")},
			},
			wantCount: 1, wantSeq: 3, search: "apple", wantHits: []string{"doc:b#0"},
		},
		{
			name: "a shorter document drops its extra chunks",
			changes: [][]Change{
				{lexChange(1, lexDoc("doc:a", "a"), "apple pie", "apple tart", "apple cake")},
				{lexChange(2, lexDoc("doc:a", "a"), "apple crumble")},
			},
			wantCount: 1, wantSeq: 2, search: "apple", wantHits: []string{"doc:a#0"},
		},
		{
			name: "several changes of one document in one batch",
			changes: [][]Change{{
				lexChange(1, lexDoc("doc:a", "a"), "apple pie", "apple tart", "apple cake"),
				lexChange(2, lexDoc("doc:a", "a"), "pear pie"),
				lexDelete(3, "doc:b"),
				lexChange(4, lexDoc("doc:a", "a"), "apple pie", "apple tart"),
			}},
			wantCount: 2, wantSeq: 4, search: "apple", wantHits: []string{"doc:a#0", "doc:a#1"},
		},
		{
			name: "deleted then written again",
			changes: [][]Change{
				{lexChange(1, lexDoc("doc:a", "a"), "apple pie")},
				{lexDelete(2, "doc:a"), lexChange(3, lexDoc("doc:a", "a"), "apple pie")},
			},
			wantCount: 1, wantSeq: 3, search: "apple", wantHits: []string{"doc:a#0"},
		},
		{
			name: "an unchanged hash is skipped",
			changes: [][]Change{
				{lexChange(1, lexDoc("doc:a", "a", func(d *Document) { d.Hash = "h1" }), "apple pie")},
				// Same hash: nothing is re-indexed, so the new text is not searchable (the
				// store never does this; it shows the skip happened).
				{lexChange(2, lexDoc("doc:a", "a", func(d *Document) { d.Hash = "h1" }), "banana split")},
			},
			wantCount: 1, wantSeq: 2, search: "apple banana", wantHits: []string{"doc:a#0"},
		},
		{
			name: "a new hash is indexed",
			changes: [][]Change{
				{lexChange(1, lexDoc("doc:a", "a", func(d *Document) { d.Hash = "h1" }), "apple pie")},
				{lexChange(2, lexDoc("doc:a", "a", func(d *Document) { d.Hash = "h2" }), "banana split")},
			},
			wantCount: 1, wantSeq: 2, search: "banana", wantHits: []string{"doc:a#0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newTestLexical(t)
			for _, batch := range tt.changes {
				lexApply(t, x, batch...)
			}
			if got := lexCount(t, x); got != tt.wantCount {
				t.Errorf("docCount = %d, want %d", got, tt.wantCount)
			}
			seq, _, err := x.state()
			if err != nil {
				t.Fatal(err)
			}
			if seq != tt.wantSeq {
				t.Errorf("seq = %d, want %d", seq, tt.wantSeq)
			}
			got := lexSearch(t, x, lexicalQuery{Text: tt.search, Audience: Audience{All: true}, K: 10})
			if diff := cmp.Diff(tt.wantHits, sortedIDs(got)); diff != "" {
				t.Errorf("search %q (-want +got):\n%s", tt.search, diff)
			}
			if tt.name == "an unchanged hash is skipped" {
				if n := len(lexSearch(t, x, lexicalQuery{Text: "banana", Audience: Audience{All: true}, K: 10})); n != 0 {
					t.Errorf("banana found %d chunks: the unchanged hash was re-indexed", n)
				}
			}
		})
	}
}

func TestLexicalReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	x, err := openLexical(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.reset("epoch-1"); err != nil {
		t.Fatal(err)
	}
	lexApply(t, x, lexChange(7, lexDoc("doc:a", "a"), "apple pie", "apple tart"))
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	x, err = openLexical(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	seq, epoch, err := x.state()
	if err != nil {
		t.Fatal(err)
	}
	if seq != 7 || epoch != "epoch-1" {
		t.Errorf("state after reopen = %d, %q; want 7, epoch-1", seq, epoch)
	}
	if n := lexCount(t, x); n != 2 {
		t.Errorf("docCount after reopen = %d, want 2", n)
	}
	// The chunk count survived too: a delete after reopen removes both chunks.
	lexApply(t, x, lexDelete(8, "doc:a"))
	if n := lexCount(t, x); n != 0 {
		t.Errorf("docCount after delete = %d, want 0", n)
	}

	if err := x.reset("epoch-2"); err != nil {
		t.Fatal(err)
	}
	seq, epoch, err = x.state()
	if err != nil {
		t.Fatal(err)
	}
	if seq != 0 || epoch != "epoch-2" || lexCount(t, x) != 0 {
		t.Errorf("after reset: seq %d, epoch %q, %d docs; want 0, epoch-2, 0", seq, epoch, lexCount(t, x))
	}
}

func TestLexicalOpenRebuilds(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(t *testing.T, dir string, x *lexicalIndex)
	}{
		{"garbage files", func(t *testing.T, dir string, x *lexicalIndex) {
			closeLexical(t, x)
			entries, err := os.ReadDir(dir)
			if err != nil || len(entries) == 0 {
				t.Fatalf("read index dir: %d entries, %v", len(entries), err)
			}
			for _, e := range entries {
				if e.Type().IsRegular() {
					if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte("not an index"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
		}},
		{"a file instead of a directory", func(t *testing.T, dir string, x *lexicalIndex) {
			closeLexical(t, x)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir, []byte("garbage"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"another mapping version", func(t *testing.T, dir string, x *lexicalIndex) {
			if err := x.idx.SetInternal([]byte(keyMapping), []byte("0")); err != nil {
				t.Fatal(err)
			}
			closeLexical(t, x)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bleve")
			x, err := openLexical(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.reset("epoch-1"); err != nil {
				t.Fatal(err)
			}
			lexApply(t, x, lexChange(3, lexDoc("doc:a", "a"), "apple"))
			tt.spoil(t, dir, x)

			x, err = openLexical(dir, nil)
			if err != nil {
				t.Fatalf("openLexical of a spoiled index: %v", err)
			}
			t.Cleanup(func() { _ = x.Close() })
			seq, epoch, err := x.state()
			if err != nil {
				t.Fatal(err)
			}
			if seq != 0 || epoch != "" || lexCount(t, x) != 0 {
				t.Errorf("rebuilt index: seq %d, epoch %q, %d docs; want an empty one", seq, epoch, lexCount(t, x))
			}
			lexApply(t, x, lexChange(1, lexDoc("doc:b", "b"), "banana"))
			if got := lexSearch(t, x, lexicalQuery{Text: "banana", Audience: Audience{All: true}, K: 10}); len(got) != 1 {
				t.Errorf("rebuilt index finds %v, want doc:b#0", got)
			}
		})
	}
}

func TestLexicalOpenLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	dir := filepath.Join(t.TempDir(), "bleve")
	x, err := openLexical(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	lexApply(t, x, lexChange(1, lexDoc("doc:a", "a"), "apple"))

	if y, err := openLexical(dir, nil); err == nil {
		_ = y.Close()
		t.Fatal("second openLexical of a held index succeeded")
	}
	// The held index was left alone, not rebuilt.
	closeLexical(t, x)
	x, err = openLexical(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := lexCount(t, x); n != 1 {
		t.Errorf("docCount of the held index = %d, want 1", n)
	}
}

// closeLexical closes x or fails the test.
func closeLexical(t *testing.T, x *lexicalIndex) {
	t.Helper()
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLexicalConcurrent(t *testing.T) {
	// Searches run while batches are applied and the index is reset under them; run
	// with -race. Every search must succeed and see only whole documents.
	x := newTestLexical(t)
	done := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for {
			select {
			case <-done:
				return
			default:
			}
			hits, _, err := x.search(t.Context(), lexicalQuery{Text: "apple", Audience: Audience{All: true}, K: 50})
			if err != nil {
				errs <- err
				return
			}
			if len(hits)%2 != 0 {
				errs <- fmt.Errorf("search saw %d chunks of two-chunk documents", len(hits))
				return
			}
		}
	}()
	for i := range 30 {
		id := fmt.Sprintf("doc:%d", i%5)
		lexApply(t, x, lexChange(int64(i+1), lexDoc(id, "t", func(d *Document) { d.Hash = fmt.Sprint(i) }), "apple one", "apple two"))
		if i == 15 {
			if err := x.reset("epoch-2"); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(done)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}
