package indexer_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

// widgetCorpus is n internal docs that all mention widgets, some more often than others,
// so that scores differ and some tie.
func widgetCorpus(n int) []indexer.Document {
	docs := make([]indexer.Document, n)
	for i := range docs {
		docs[i] = indexer.Document{
			ID: fmt.Sprintf("doc:dir:notes:widget-%02d.md", i), Kind: indexer.KindDoc, Source: "docs",
			Title:      fmt.Sprintf("Note %d", i),
			Text:       fmt.Sprintf("# Note %d\n\n%s about gadget number %d and sprocket %d.\n", i, strings.Repeat("widget ", i%5+1), i, i*7),
			URL:        fmt.Sprintf("/docs/dir/notes/widget-%02d.md", i),
			Fields:     map[string][]string{indexer.FieldTags: {fmt.Sprintf("group-%d", i%3)}},
			Visibility: auth.VisibilityInternal,
		}
	}
	return docs
}

func TestSearchPaging(t *testing.T) {
	const n = 57
	svc := newSearchService(t, indexer.Options{}, widgetCorpus(n))
	for _, mode := range []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid} {
		t.Run(string(mode), func(t *testing.T) {
			q := indexer.Query{Text: "widget gadget", Mode: mode, Limit: 100}
			all := resultIDs(search(t, svc, developer, q))
			if len(all) != n {
				t.Fatalf("one big page holds %d documents, want %d", len(all), n)
			}
			q.Limit = 7
			var paged []string
			var pages []*indexer.Results
			seen := map[string]bool{}
			for {
				res := search(t, svc, developer, q)
				if res.Total != n || res.TotalCapped {
					t.Errorf("page %d: Total %d (capped %v), want %d", len(pages), res.Total, res.TotalCapped, n)
				}
				for _, id := range resultIDs(res) {
					if seen[id] {
						t.Errorf("page %d repeats %s", len(pages), id)
					}
					seen[id] = true
				}
				paged = append(paged, resultIDs(res)...)
				pages = append(pages, res)
				if res.NextCursor == "" {
					break
				}
				if len(pages) > n {
					t.Fatal("paging does not end")
				}
				q.Cursor = res.NextCursor
			}
			if diff := cmp.Diff(all, paged); diff != "" {
				t.Errorf("pages of 7 differ from one page of 100 (-want +got):\n%s", diff)
			}
			if len(pages) != (n+6)/7 || len(pages[len(pages)-1].Results) != n%7 {
				t.Errorf("%d pages, the last of %d results; want %d pages, the last of %d", len(pages), len(pages[len(pages)-1].Results), (n+6)/7, n%7)
			}
			if pages[0].PrevCursor != "" {
				t.Errorf("first page has a previous cursor %q", pages[0].PrevCursor)
			}
			q.Cursor = pages[2].PrevCursor
			back := search(t, svc, developer, q)
			if diff := cmp.Diff(resultIDs(pages[1]), resultIDs(back)); diff != "" {
				t.Errorf("the previous cursor of page 3 is not page 2 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchInvalid(t *testing.T) {
	svc := newSearchService(t, indexer.Options{}, widgetCorpus(5))
	first := search(t, svc, developer, indexer.Query{Text: "widget", Limit: 1})
	if first.NextCursor == "" {
		t.Fatal("no next cursor after the first of 5 results")
	}
	tests := []struct {
		name string
		q    indexer.Query
		want string
	}{
		{"limit above 100", indexer.Query{Text: "widget", Limit: 101}, "limit 101 is not between 1 and 100: invalid query"},
		{"negative limit", indexer.Query{Text: "widget", Limit: -5}, "limit -5 is not between 1 and 100"},
		{"unknown mode", indexer.Query{Text: "widget", Mode: "semantic"}, `mode "semantic" is not one of lexical, vector, hybrid`},
		{"unknown filter", indexer.Query{Text: "widget", Filters: indexer.Filters{"colour": {"red"}}}, `filter "colour" is not one of kind, type, owner`},
		{"unknown facet", indexer.Query{Text: "widget", Facets: []string{"visibility"}}, `facet "visibility" is not one of kind`},
		{"cursor of another text", indexer.Query{Text: "gadget", Limit: 1, Cursor: first.NextCursor}, "cursor does not belong to this query"},
		{"cursor of another mode", indexer.Query{Text: "widget", Mode: indexer.ModeLexical, Limit: 1, Cursor: first.NextCursor}, "cursor does not belong to this query"},
		{"cursor edited", indexer.Query{Text: "widget", Limit: 1, Cursor: first.NextCursor + "x"}, "cursor is malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := svc.Search(auth.NewContext(t.Context(), developer), tt.q)
			if !errors.Is(err, indexer.ErrInvalidQuery) || !strings.Contains(err.Error(), tt.want) || res != nil {
				t.Errorf("Search(%+v) = %v, %v; want ErrInvalidQuery saying %q", tt.q, res, err, tt.want)
			}
		})
	}
}
