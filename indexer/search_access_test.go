package indexer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

// quasarCorpus is 200 restricted documents that match "quasar telemetry" strongly and 20
// internal ones that match it weakly, plus a restricted entity named zanzibar-vault.
func quasarCorpus() []indexer.Document {
	var docs []indexer.Document
	for i := range 200 {
		docs = append(docs, indexer.Document{
			ID: fmt.Sprintf("doc:dir:secret:quasar-%03d.md", i), Kind: indexer.KindDoc, Source: "docs",
			Title:      fmt.Sprintf("Quasar telemetry %d", i),
			Text:       fmt.Sprintf("# Quasar telemetry\n\nQuasar quasar quasar telemetry telemetry, classified codeword hush%03d.\n", i),
			URL:        fmt.Sprintf("/docs/dir/secret/quasar-%03d.md", i),
			Fields:     map[string][]string{indexer.FieldTags: {"classified"}, indexer.FieldOwner: {"group:default/risk-team"}},
			Visibility: auth.VisibilityRestricted,
			Allowed:    []string{"group:default/risk-team"},
		})
	}
	for i := range 20 {
		docs = append(docs, indexer.Document{
			ID: fmt.Sprintf("doc:dir:notes:quasar-%02d.md", i), Kind: indexer.KindDoc, Source: "docs",
			Title:      fmt.Sprintf("Notes %d", i),
			Text:       fmt.Sprintf("# Notes %d\n\nA few notes on the quasar pipeline and its telemetry, among many other things we run, part %d.\n", i, i),
			URL:        fmt.Sprintf("/docs/dir/notes/quasar-%02d.md", i),
			Fields:     map[string][]string{indexer.FieldTags: {"notes"}, indexer.FieldOwner: {"group:default/web-team"}},
			Visibility: auth.VisibilityInternal,
		})
	}
	vault := entityDoc("component:default/zanzibar-vault", "zanzibar-vault", "Holds the risk team's model keys.",
		auth.VisibilityRestricted, map[string][]string{indexer.FieldTags: {"classified"}})
	vault.Allowed = []string{"group:default/risk-team"}
	return append(docs, vault)
}

func TestSearchRestrictedNeverShown(t *testing.T) {
	svc := newSearchService(t, indexer.Options{Embedder: indexer.NewHashed(256)}, quasarCorpus())
	facets := []string{indexer.FieldTags, indexer.FieldOwner, indexer.FieldSource}
	for _, mode := range []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid} {
		t.Run(string(mode), func(t *testing.T) {
			// The admin sees the restricted documents outrank the visible ones.
			res := search(t, svc, admin, indexer.Query{Text: "quasar telemetry", Mode: mode})
			if top := res.Results[0].DocID; !strings.HasPrefix(top, "doc:dir:secret:") || !res.TotalCapped {
				t.Fatalf("admin's top result %s (capped %v), want a restricted doc and a capped total", top, res.TotalCapped)
			}

			q := indexer.Query{Text: "quasar telemetry", Mode: mode, Facets: facets}
			res = search(t, svc, outsider, q)
			if len(res.Results) != 10 || res.Total != 20 || res.TotalCapped {
				t.Fatalf("outsider's first page: %d results of %d (capped %v), want 10 of 20", len(res.Results), res.Total, res.TotalCapped)
			}
			seen := 0
			for {
				for _, r := range res.Results {
					seen++
					if !strings.HasPrefix(r.DocID, "doc:dir:notes:") || strings.Contains(r.Snippet, "hush") || strings.Contains(r.Snippet, "classified") {
						t.Errorf("outsider sees %s: %q", r.DocID, r.Snippet)
					}
				}
				for f, counts := range res.Facets {
					for _, c := range counts {
						if c.Value == "classified" || c.Value == "group:default/risk-team" || c.Count > 20 {
							t.Errorf("facet %s counts restricted documents: %v", f, counts)
						}
					}
				}
				if res.NextCursor == "" {
					break
				}
				q.Cursor = res.NextCursor
				res = search(t, svc, outsider, q)
			}
			if seen != 20 {
				t.Errorf("outsider paged through %d results, want 20", seen)
			}

			if res := search(t, svc, auth.Anonymous(), indexer.Query{Text: "quasar telemetry", Mode: mode, Facets: facets}); len(res.Results) != 0 || res.Total != 0 || len(res.Facets[indexer.FieldTags]) != 0 {
				t.Errorf("anonymous sees %v, Total %d, facets %v; want nothing", resultIDs(res), res.Total, res.Facets)
			}
		})
	}
}

func TestSearchDidYouMean(t *testing.T) {
	svc := newSearchService(t, indexer.Options{}, smallCorpus())
	tests := []struct {
		name  string
		who   auth.Principal
		query string
		want  string // a substring of DidYouMean; "" means DidYouMean must be empty
	}{
		{"a misspelt entity name", developer, "paymnts refunds", "payments"},
		{"the rest of the query is kept", developer, "paymnts refunds", " refunds"},
		{"every word matches", developer, "payments refunds", ""},
		{"short words are left alone", developer, "pay", ""},
		{"a restricted entity's name, for those allowed", admin, "zanzibr", "zanzibar"},
		{"a restricted entity's name is never suggested to others", developer, "zanzibr", ""},
		{"nor to anonymous callers", auth.Anonymous(), "zanzibr", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := search(t, svc, tt.who, indexer.Query{Text: tt.query}).DidYouMean
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) || strings.Contains(got, "paymnts") {
				t.Errorf("DidYouMean(%q) as %s = %q, want it to hold %q", tt.query, tt.who.UserRef, got, tt.want)
			}
		})
	}
	for _, mode := range []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid} {
		res := search(t, svc, developer, indexer.Query{Text: "fraud scores", Mode: mode, Facets: []string{indexer.FieldTags}})
		for _, r := range res.Results {
			if slices.Contains(r.Fields[indexer.FieldTags], "classified") || strings.Contains(r.Snippet, "fraud") {
				t.Errorf("%s: developer finds a restricted document: %s %q", mode, r.DocID, r.Snippet)
			}
		}
		for _, c := range res.Facets[indexer.FieldTags] {
			if c.Value == "classified" {
				t.Errorf("%s: developer's tags facet counts restricted documents: %v", mode, res.Facets)
			}
		}
		if mode == indexer.ModeLexical && res.Total != 0 {
			t.Errorf("lexical: developer's search for a restricted entity's words matches %d documents", res.Total)
		}
	}
}
