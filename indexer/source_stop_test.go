package indexer_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/nextportal/portal/indexer"
)

// TestSourcesStop checks that every source stops at the first error yield returns and
// returns that error itself, and that a cancelled context stops it before it yields more.
func TestSourcesStop(t *testing.T) {
	fx := newSourceFixture(t)
	sources := []indexer.Source{
		indexer.NewCatalogSource(fx.cat),
		indexer.NewTechDocsSource(fx.cat, []string{fx.inside}),
		indexer.NewDirSource("org", filepath.Join(fx.inside, "org")),
		indexer.NewBEIRSource("fix", filepath.Join("testdata", "sources", "beir")),
	}
	for _, src := range sources {
		t.Run(src.Name()+"/yield error", func(t *testing.T) {
			stop := errors.New("stop here")
			n := 0
			err := src.Documents(t.Context(), func(indexer.Document) error {
				n++
				if n == 2 {
					return stop
				}
				return nil
			})
			if err != stop || n != 2 {
				t.Errorf("Documents = %v after %d documents, want yield's own error after 2", err, n)
			}
		})
		t.Run(src.Name()+"/cancelled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			n := 0
			err := src.Documents(ctx, func(indexer.Document) error {
				n++
				cancel()
				return nil
			})
			if !errors.Is(err, context.Canceled) || n != 1 {
				t.Errorf("Documents = %v after %d documents, want context.Canceled after 1", err, n)
			}
		})
	}
}
