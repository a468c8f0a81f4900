package indexer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

const runbookID = "doc:component:default/ledger-posting-consumer:docs/runbook.md"

// smallCorpus is a few entities and docs of a payments organisation; two entities are
// restricted to the risk team.
func smallCorpus() []indexer.Document {
	payments := map[string][]string{
		indexer.FieldOwner: {"group:default/payments-team"}, indexer.FieldSystem: {"system:default/ledger"},
		indexer.FieldLifecycle: {"production"},
	}
	with := func(extra map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, v := range payments {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	risk := []string{"group:default/risk-team"}
	docs := []indexer.Document{
		entityDoc("component:default/payments-api", "payments-api",
			"payments-api is the REST service that takes card payments and issues refunds to customers.",
			auth.VisibilityInternal, with(map[string][]string{indexer.FieldType: {"service"}, indexer.FieldTags: {"payments", "go"}})),
		entityDoc("api:default/payments-rest", "payments-rest",
			"The OpenAPI definition of the payments REST interface: create a payment, refund a payment.",
			auth.VisibilityPublic, with(map[string][]string{indexer.FieldType: {"openapi"}, indexer.FieldTags: {"payments", "rest"}})),
		entityDoc("component:default/ledger-posting-consumer", "ledger-posting-consumer",
			"Consumes posting events from Kafka and writes double-entry ledger records.",
			auth.VisibilityInternal, with(map[string][]string{indexer.FieldType: {"service"}, indexer.FieldTags: {"kafka", "go"}})),
		entityDoc("component:default/portal-web", "portal-web",
			"The web frontend of the developer portal, written in TypeScript.",
			auth.VisibilityPublic, map[string][]string{indexer.FieldType: {"website"}, indexer.FieldOwner: {"group:default/web-team"}, indexer.FieldTags: {"typescript"}}),
		entityDoc("group:default/payments-team", "Payments team",
			"The team that owns the payment services and the ledger.", auth.VisibilityInternal, nil),
		{
			ID: runbookID, Kind: indexer.KindDoc, Source: "techdocs", EntityRef: "component:default/ledger-posting-consumer",
			Title: "Ledger posting consumer runbook", URL: "/docs/default/component/ledger-posting-consumer/docs/runbook.md",
			Text: "# Runbook\n\nWhat to do when the consumer misbehaves.\n\n" +
				"## Rotate credentials\n\nRotate the database credentials every quarter: create a new vault secret, " +
				"roll the pods, then revoke the old password.\n\n" +
				"## Replay dead letters\n\nWhen postings land in the dead-letter topic, fix the cause and replay them with the replay job.\n",
			Fields:     with(map[string][]string{indexer.FieldKind: {"component"}, indexer.FieldType: {"service"}, indexer.FieldTags: {"kafka", "go"}}),
			Visibility: auth.VisibilityInternal,
		},
		{
			ID: "doc:dir:handbook:onboarding.md", Kind: indexer.KindDoc, Source: "docs", Title: "Onboarding",
			URL:        "/docs/dir/handbook/onboarding.md",
			Text:       "# Onboarding\n\nWelcome aboard. Ask for laptop access and join the on-call rotation after a month.\n",
			Visibility: auth.VisibilityPublic,
		},
		entityDoc("component:default/fraud-scorer", "fraud-scorer",
			"Scores card payments for fraud with a gradient boosted model; thresholds are secret.",
			auth.VisibilityRestricted, map[string][]string{indexer.FieldOwner: risk, indexer.FieldTags: {"payments", "classified"}}),
		entityDoc("component:default/zanzibar-vault", "zanzibar-vault",
			"Holds the risk team's model keys.",
			auth.VisibilityRestricted, map[string][]string{indexer.FieldOwner: risk, indexer.FieldTags: {"classified"}}),
	}
	for i := range docs {
		if docs[i].Visibility == auth.VisibilityRestricted {
			docs[i].Allowed = risk
		}
	}
	return docs
}

func TestSearchModes(t *testing.T) {
	svc := newSearchService(t, indexer.Options{}, smallCorpus())
	tests := []struct {
		query string
		want  string // the top document
	}{
		{"rotate the database credentials", runbookID},
		{"card refunds", "entity:component:default/payments-api"},
		{"kafka posting events", "entity:component:default/ledger-posting-consumer"},
		{"laptop access", "doc:dir:handbook:onboarding.md"},
	}
	for _, mode := range []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid} {
		for _, tt := range tests {
			t.Run(string(mode)+"/"+tt.query, func(t *testing.T) {
				res := search(t, svc, developer, indexer.Query{Text: tt.query, Mode: mode})
				if len(res.Results) == 0 || res.Results[0].DocID != tt.want {
					t.Fatalf("Search(%q, %s) = %v, want %s first", tt.query, mode, resultIDs(res), tt.want)
				}
				if res.Total != len(res.Results) || res.TotalCapped || res.NextCursor != "" || res.PrevCursor != "" {
					t.Errorf("one page of %d: Total %d, capped %v, cursors %q %q", len(res.Results), res.Total, res.TotalCapped, res.NextCursor, res.PrevCursor)
				}
				for i := 1; i < len(res.Results); i++ {
					if res.Results[i].Score > res.Results[i-1].Score {
						t.Errorf("result %d scores %v, above result %d's %v", i, res.Results[i].Score, i-1, res.Results[i-1].Score)
					}
				}
			})
		}
	}
}

func TestSearchResultFields(t *testing.T) {
	svc := newSearchService(t, indexer.Options{}, smallCorpus())
	res := search(t, svc, developer, indexer.Query{Text: "rotate credentials", Mode: indexer.ModeLexical, Limit: 1})
	if len(res.Results) != 1 {
		t.Fatalf("Search = %v, want one result", resultIDs(res))
	}
	r := res.Results[0]
	want := indexer.Result{
		DocID: runbookID, ChunkID: r.ChunkID, Kind: indexer.KindDoc, Source: "techdocs",
		EntityRef: "component:default/ledger-posting-consumer", Title: "Ledger posting consumer runbook",
		URL:    "/docs/default/component/ledger-posting-consumer/docs/runbook.md#rotate-credentials",
		Anchor: "rotate-credentials", Heading: "Runbook > Rotate credentials",
		Fields: r.Fields, Score: r.Score, Snippet: r.Snippet, Highlights: r.Highlights,
	}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(r.ChunkID, runbookID+"#") || r.Score <= 0 || r.Fields[indexer.FieldSystem][0] != "system:default/ledger" {
		t.Errorf("chunk %q, score %v, fields %v", r.ChunkID, r.Score, r.Fields)
	}
	var marked []string
	for _, h := range r.Highlights {
		marked = append(marked, strings.ToLower(r.Snippet[h[0]:h[1]]))
	}
	if !strings.HasPrefix(r.Snippet, "Rotate the database credentials") || !slices.Contains(marked, "rotate") || !slices.Contains(marked, "credentials") {
		t.Errorf("snippet %q marks %q, want the section's text with rotate and credentials marked", r.Snippet, marked)
	}

	res = search(t, svc, developer, indexer.Query{Text: "double-entry ledger", Mode: indexer.ModeVector, Limit: 1})
	if r := res.Results[0]; r.URL != "/catalog/default/component/ledger-posting-consumer" || len(r.Highlights) == 0 {
		t.Errorf("vector result %s: URL %q, highlights %v; want the entity URL and highlights in vector mode too", r.DocID, r.URL, r.Highlights)
	}
}

func TestSearchFilters(t *testing.T) {
	svc := newSearchService(t, indexer.Options{}, smallCorpus())
	tests := []struct {
		name    string
		text    string
		filters indexer.Filters
		want    []string
	}{
		{"kind, in any case", "payments", indexer.Filters{indexer.FieldKind: {"API"}}, []string{"entity:api:default/payments-rest"}},
		{"type", "", indexer.Filters{indexer.FieldType: {"website", "openapi"}},
			[]string{"entity:api:default/payments-rest", "entity:component:default/portal-web"}},
		{"tags and owner", "", indexer.Filters{indexer.FieldTags: {"kafka"}, indexer.FieldOwner: {"group:default/payments-team"}},
			[]string{runbookID, "entity:component:default/ledger-posting-consumer"}},
		{"source", "", indexer.Filters{indexer.FieldSource: {"techdocs", "docs"}},
			[]string{runbookID, "doc:dir:handbook:onboarding.md"}},
		{"nothing matches", "payments", indexer.Filters{indexer.FieldLifecycle: {"deprecated"}}, []string{}},
	}
	for _, mode := range []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid} {
		for _, tt := range tests {
			t.Run(string(mode)+"/"+tt.name, func(t *testing.T) {
				res := search(t, svc, developer, indexer.Query{Text: tt.text, Mode: mode, Filters: tt.filters})
				got := resultIDs(res)
				slices.Sort(got)
				want := slices.Sorted(slices.Values(tt.want))
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("Search(%q, %v) mismatch (-want +got):\n%s", tt.text, tt.filters, diff)
				}
			})
		}
	}
}

func TestSearchEmptyTextListsByID(t *testing.T) {
	svc := newSearchService(t, indexer.Options{}, smallCorpus())
	for _, mode := range []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid} {
		res := search(t, svc, developer, indexer.Query{Mode: mode, Filters: indexer.Filters{indexer.FieldKind: {"component"}}})
		want := []string{
			runbookID,
			"entity:component:default/ledger-posting-consumer",
			"entity:component:default/payments-api",
			"entity:component:default/portal-web",
		}
		if diff := cmp.Diff(want, resultIDs(res)); diff != "" {
			t.Errorf("%s: empty text with a filter (-want +got):\n%s", mode, diff)
		}
	}
}

func TestSearchFacets(t *testing.T) {
	svc := newSearchService(t, indexer.Options{}, smallCorpus())
	res := search(t, svc, developer, indexer.Query{Text: "payments", Mode: indexer.ModeLexical,
		Facets: []string{indexer.FieldKind, indexer.FieldTags, indexer.FieldSource}})
	// Count the ranked documents' values by hand: every matching document fits on the page.
	if res.Total != len(res.Results) {
		t.Fatalf("Total %d, want every match on the page (%d)", res.Total, len(res.Results))
	}
	want := map[string]map[string]int{}
	for _, f := range []string{indexer.FieldKind, indexer.FieldTags, indexer.FieldSource} {
		want[f] = map[string]int{}
		for _, r := range res.Results {
			vals := r.Fields[f]
			if f == indexer.FieldSource {
				vals = []string{r.Source}
			}
			for _, v := range vals {
				want[f][v]++
			}
		}
	}
	got := map[string]map[string]int{}
	for f, counts := range res.Facets {
		got[f] = map[string]int{}
		for i, c := range counts {
			got[f][c.Value] = c.Count
			if i > 0 && (c.Count > counts[i-1].Count || c.Count == counts[i-1].Count && c.Value < counts[i-1].Value) {
				t.Errorf("facet %s out of order: %v", f, counts)
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("facets mismatch (-want +got):\n%s", diff)
	}
	if got[indexer.FieldTags]["payments"] != 2 {
		t.Errorf("tags facet %v, want payments on the 2 visible payments entities", got[indexer.FieldTags])
	}
}

func TestSearchFusion(t *testing.T) {
	for _, fusion := range []string{indexer.FusionConvex, indexer.FusionRRF} {
		t.Run(fusion, func(t *testing.T) {
			svc := newSearchService(t, indexer.Options{Fusion: fusion}, smallCorpus())
			res := search(t, svc, developer, indexer.Query{Text: "rotate the database credentials", Mode: indexer.ModeHybrid})
			if len(res.Results) == 0 || res.Results[0].DocID != runbookID {
				t.Fatalf("hybrid %s = %v, want %s first", fusion, resultIDs(res), runbookID)
			}
			// Convex fusion mixes BM25 runs, each over its best, and adds a weighted cosine
			// (at most 1 + 2), and smoothing keeps the top near its neighbours' scores: it
			// lands near 1. RRF adds at most 1/61 per retriever.
			top := res.Results[0].Score
			if fusion == indexer.FusionRRF && (top > 2.0/61+1e-12 || top < 1.0/61) || fusion == indexer.FusionConvex && (top < 0.5 || top > 3) {
				t.Errorf("hybrid %s top score %v is not a %s score", fusion, top, fusion)
			}
		})
	}
}
