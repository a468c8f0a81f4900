package indexer

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/auth"
)

func TestLexicalSearchText(t *testing.T) {
	x := newTestLexical(t)
	lexApply(t, x,
		lexChange(1, lexDoc("doc:a", "Payment runbook"), "How to retry a failed payout.", "Escalation contacts for the ledger."),
		lexChange(2, lexDoc("doc:b", "Deploying services"), "The deploy pipeline builds and ships containers."),
		lexChange(3, lexDoc("doc:c", "Ledger", func(d *Document) { d.Kind = KindDoc }), "Double-entry postings."),
	)
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"stemming finds the singular", "retries", []string{"doc:a#0"}},
		{"stemming finds the verb", "deploying", []string{"doc:b#0"}},
		{"stop words alone match nothing", "the and of", []string{}},
		{"any word matches", "payout containers", []string{"doc:a#0", "doc:b#0"}},
		{"title counts for every chunk", "runbook", []string{"doc:a#0", "doc:a#1"}},
		{"title beats text", "ledger", []string{"doc:c#0", "doc:a#1"}},
		{"case does not matter", "LEDGER", []string{"doc:c#0", "doc:a#1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lexSearch(t, x, lexicalQuery{Text: tt.text, Audience: Audience{All: true}, K: 10})
			if tt.name == "any word matches" || tt.name == "title counts for every chunk" {
				got = sortedIDs(got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("search(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestLexicalBoosts(t *testing.T) {
	x := newTestLexical(t)
	// The same words once in the title, once in the heading, once in the text of otherwise
	// identical chunks: title outranks heading, which outranks text.
	body := "general notes about operating systems at the company"
	inHeading := lexChange(2, lexDoc("doc:heading", "Notes"), body)
	inHeading.Chunks[0].Heading = "Rotate credentials"
	lexApply(t, x,
		lexChange(1, lexDoc("doc:title", "Rotate credentials"), body),
		inHeading,
		lexChange(3, lexDoc("doc:text", "Notes"), body+" rotate credentials"),
	)
	got := lexSearch(t, x, lexicalQuery{Text: "rotate credentials", Audience: Audience{All: true}, K: 10})
	want := []string{"doc:title#0", "doc:heading#0", "doc:text#0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
}

func TestLexicalFilters(t *testing.T) {
	x := newTestLexical(t)
	withFields := func(source string, fields map[string][]string) func(*Document) {
		return func(d *Document) { d.Source, d.Fields = source, fields }
	}
	lexApply(t, x,
		lexChange(1, lexDoc("entity:a", "alpha", withFields("catalog", map[string][]string{
			FieldKind: {"component"}, FieldType: {"service"}, FieldTags: {"go", "payments"}})), "alpha service"),
		lexChange(2, lexDoc("entity:b", "beta", withFields("catalog", map[string][]string{
			FieldKind: {"component"}, FieldType: {"website"}, FieldTags: {"react"}})), "beta service"),
		lexChange(3, lexDoc("entity:c", "gamma", withFields("catalog", map[string][]string{
			FieldKind: {"api"}, FieldType: {"openapi"}, FieldOwner: {"group:default/payments"}})), "gamma service"),
		lexChange(4, lexDoc("doc:d", "delta", withFields("techdocs", map[string][]string{
			FieldKind: {"component"}, FieldTags: {"go"}})), "delta service"),
	)
	tests := []struct {
		name    string
		text    string
		filters Filters
		want    []string
	}{
		{"one value", "service", Filters{FieldKind: {"api"}}, []string{"entity:c#0"}},
		{"values of a field are OR", "service", Filters{FieldTags: {"react", "payments"}}, []string{"entity:a#0", "entity:b#0"}},
		{"fields are AND", "service", Filters{FieldKind: {"component"}, FieldTags: {"go"}}, []string{"doc:d#0", "entity:a#0"}},
		{"source", "service", Filters{FieldSource: {"techdocs"}}, []string{"doc:d#0"}},
		{"uppercase filter values", "service", Filters{FieldSource: {"TechDocs"}}, []string{"doc:d#0"}},
		{"owner ref", "service", Filters{FieldOwner: {"group:default/payments"}}, []string{"entity:c#0"}},
		{"empty values are ignored", "service", Filters{FieldKind: {}}, []string{"doc:d#0", "entity:a#0", "entity:b#0", "entity:c#0"}},
		{"no match", "service", Filters{FieldLifecycle: {"production"}}, []string{}},
		{"empty text lists the filtered", "", Filters{FieldKind: {"component"}}, []string{"doc:d#0", "entity:a#0", "entity:b#0"}},
		{"blank text without filters lists all", "  ", nil, []string{"doc:d#0", "entity:a#0", "entity:b#0", "entity:c#0"}},
		{"text and filter", "beta", Filters{FieldKind: {"component"}}, []string{"entity:b#0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, total, err := x.search(t.Context(), lexicalQuery{Text: tt.text, Filters: tt.filters, Audience: Audience{All: true}, K: 10})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, h := range hits {
				got = append(got, h.ChunkID)
			}
			if diff := cmp.Diff(tt.want, sortedIDs(got)); diff != "" {
				t.Errorf("search (-want +got):\n%s", diff)
			}
			if total != uint64(len(tt.want)) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
		})
	}
}

func TestLexicalChunkIDs(t *testing.T) {
	x := newTestLexical(t)
	lexApply(t, x,
		lexChange(1, lexDoc("doc:a", "one"), "shared words here", "shared words there"),
		lexChange(2, lexDoc("doc:b", "two"), "shared words everywhere"),
	)
	tests := []struct {
		name string
		ids  []string
		want []string
	}{
		{"nil means all", nil, []string{"doc:a#0", "doc:a#1", "doc:b#0"}},
		{"empty means none", []string{}, []string{}},
		{"only those", []string{"doc:a#1", "doc:b#0", "doc:missing#0"}, []string{"doc:a#1", "doc:b#0"}},
	}
	scores := func(q lexicalQuery) map[string]float64 {
		hits, _, err := x.search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, h := range hits {
			out[h.ChunkID] = h.Score
		}
		return out
	}
	all := scores(lexicalQuery{Text: "shared words", Audience: Audience{All: true}, K: 10})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lexSearch(t, x, lexicalQuery{Text: "shared words", Audience: Audience{All: true}, K: 10, ChunkIDs: tt.ids})
			if diff := cmp.Diff(tt.want, sortedIDs(got)); diff != "" {
				t.Errorf("search (-want +got):\n%s", diff)
			}
			// Limiting to ids must not change a chunk's BM25: fusion compares them.
			for id, score := range scores(lexicalQuery{Text: "shared words", Audience: Audience{All: true}, K: 10, ChunkIDs: tt.ids}) {
				if math.Abs(score-all[id]) > 1e-9 {
					t.Errorf("%s scores %v among ids, %v in a full search", id, score, all[id])
				}
			}
		})
	}
}

func TestLexicalAudience(t *testing.T) {
	x := newTestLexical(t)
	vis := func(v auth.Visibility, allowed ...string) func(*Document) {
		return func(d *Document) { d.Visibility, d.Allowed = v, allowed }
	}
	lexApply(t, x,
		lexChange(1, lexDoc("doc:public", "p", vis(auth.VisibilityPublic)), "widget"),
		lexChange(2, lexDoc("doc:internal", "i", vis(auth.VisibilityInternal)), "widget"),
		lexChange(3, lexDoc("doc:unset", "u", vis("")), "widget"),
		lexChange(4, lexDoc("doc:restricted", "r", vis(auth.VisibilityRestricted, "group:default/Payments", "user:default/ann")), "widget"),
	)
	tests := []struct {
		name string
		aud  Audience
		want []string
	}{
		{"all", Audience{All: true}, []string{"doc:internal#0", "doc:public#0", "doc:restricted#0", "doc:unset#0"}},
		{"anonymous", Audience{PublicOnly: true}, []string{"doc:public#0"}},
		{"signed in, no groups", Audience{}, []string{"doc:internal#0", "doc:public#0", "doc:unset#0"}},
		{"other group", Audience{Refs: []string{"group:default/ops"}}, []string{"doc:internal#0", "doc:public#0", "doc:unset#0"}},
		{"allowed group", Audience{Refs: []string{"user:default/bob", "group:default/payments"}},
			[]string{"doc:internal#0", "doc:public#0", "doc:restricted#0", "doc:unset#0"}},
		{"allowed user", Audience{Refs: []string{"user:default/ann"}},
			[]string{"doc:internal#0", "doc:public#0", "doc:restricted#0", "doc:unset#0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lexSearch(t, x, lexicalQuery{Text: "widget", Audience: tt.aud, K: 10})
			if diff := cmp.Diff(tt.want, sortedIDs(got)); diff != "" {
				t.Errorf("search (-want +got):\n%s", diff)
			}
			for _, id := range got {
				d := map[string]auth.Visibility{"doc:public#0": auth.VisibilityPublic, "doc:internal#0": auth.VisibilityInternal,
					"doc:unset#0": "", "doc:restricted#0": auth.VisibilityRestricted}[id]
				var allowed []string
				if d == auth.VisibilityRestricted {
					allowed = []string{"group:default/payments", "user:default/ann"}
				}
				if !tt.aud.CanSee(d, allowed) {
					t.Errorf("search returned %s, which Audience.CanSee refuses", id)
				}
			}
		})
	}
}

func TestLexicalAudienceFillsPage(t *testing.T) {
	x := newTestLexical(t)
	var changes []Change
	// 200 restricted chunks that mention the word often outrank 10 public ones that
	// mention it once; a viewer must still get a full page of 10.
	for i := range 200 {
		d := lexDoc(fmt.Sprintf("doc:secret-%03d", i), "secret", func(d *Document) {
			d.Visibility, d.Allowed = auth.VisibilityRestricted, []string{"group:default/vault"}
		})
		changes = append(changes, lexChange(int64(i+1), d, "rotate rotate rotate keys"))
	}
	for i := range 10 {
		d := lexDoc(fmt.Sprintf("doc:open-%02d", i), "open")
		changes = append(changes, lexChange(int64(201+i), d, "how to rotate the signing keys of the gateway in production"))
	}
	lexApply(t, x, changes...)

	hits, total, err := x.search(t.Context(), lexicalQuery{Text: "rotate", Audience: Audience{Refs: []string{"user:default/bob"}}, K: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 10 || total != 10 {
		t.Fatalf("viewer got %d hits of %d, want 10 of 10", len(hits), total)
	}
	for _, h := range hits {
		if h.DocID[:8] != "doc:open" {
			t.Errorf("viewer got %s", h.ChunkID)
		}
	}
	all := lexSearch(t, x, lexicalQuery{Text: "rotate", Audience: Audience{All: true}, K: 10})
	if docIDOf(all[0])[:10] != "doc:secret" {
		t.Fatalf("the restricted chunks do not outrank the public ones (top hit %s): the test proves nothing", all[0])
	}
}

// TestLexicalTiesByChunkID checks that equal scores rank by chunk ID whatever order the
// chunks were indexed in, within the page and at its edge.
func TestLexicalTiesByChunkID(t *testing.T) {
	x := newTestLexical(t)
	// Applied in reverse ID order, over several batches, so bleve's own order is not the IDs'.
	for i, id := range []string{"doc:f", "doc:e", "doc:d", "doc:c", "doc:b", "doc:a"} {
		lexApply(t, x, lexChange(int64(i+1), lexDoc(id, "Same"), "the walrus sings"))
	}
	lexApply(t, x, lexChange(7, lexDoc("doc:z", "Other"), "the walrus sings walrus walrus"))
	tests := []struct {
		k    int
		want []string
	}{
		{1, []string{"doc:z#0"}},
		{3, []string{"doc:z#0", "doc:a#0", "doc:b#0"}},
		{7, []string{"doc:z#0", "doc:a#0", "doc:b#0", "doc:c#0", "doc:d#0", "doc:e#0", "doc:f#0"}},
		{10, []string{"doc:z#0", "doc:a#0", "doc:b#0", "doc:c#0", "doc:d#0", "doc:e#0", "doc:f#0"}},
	}
	for _, tt := range tests {
		if got := lexSearch(t, x, lexicalQuery{Text: "walrus", K: tt.k}); !slices.Equal(got, tt.want) {
			t.Errorf("k=%d: %v, want %v", tt.k, got, tt.want)
		}
	}
}
