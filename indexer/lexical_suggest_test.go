package indexer

import (
	"testing"

	"github.com/nextportal/portal/auth"
)

func TestLexicalSuggest(t *testing.T) {
	x := newTestLexical(t)
	entity := func(ref string, vis auth.Visibility, allowed ...string) Document {
		return Document{ID: "entity:" + ref, Kind: KindEntity, Source: "catalog", EntityRef: ref,
			Title: ref, Visibility: vis, Allowed: allowed}
	}
	lexApply(t, x,
		lexChange(1, entity("component:default/payments-api", auth.VisibilityPublic), "payments api", "second chunk"),
		lexChange(2, entity("component:default/ledger-posting-consumer", auth.VisibilityInternal), "ledger"),
		lexChange(3, entity("component:default/vault-keeper", auth.VisibilityRestricted, "group:default/security"), "vault"),
		lexChange(4, entity("group:default/Platform", auth.VisibilityPublic), "platform team"),
		// A doc about a name is not an entity: its title is never suggested.
		lexChange(5, lexDoc("doc:component:default/payments-api:docs/index.md", "Checkout"), "checkout"),
	)
	viewer := Audience{Refs: []string{"user:default/bob"}}
	tests := []struct {
		name string
		word string
		aud  Audience
		want string
	}{
		{"typo of a whole name", "payment-api", viewer, "payments-api"},
		{"two typos of a whole name", "paymnt-api", viewer, "payments-api"},
		{"typo of a name word", "ledgr", viewer, "ledger"},
		{"uppercase", "LEDGR", viewer, "ledger"},
		{"name of a group", "platfrom", viewer, "platform"},
		{"exact name word", "ledger", viewer, ""},
		{"too far", "ledgerxyz", viewer, ""},
		{"too short", "ap", viewer, ""},
		{"short words allow one edit", "vaul", Audience{All: true}, "vault"},
		{"restricted name hidden from a viewer", "vault-keepr", viewer, ""},
		{"restricted name hidden from anonymous", "vault-keepr", Audience{PublicOnly: true}, ""},
		{"restricted name shown to its group", "vault-keepr", Audience{Refs: []string{"group:default/security"}}, "vault-keeper"},
		{"internal name hidden from anonymous", "ledgr", Audience{PublicOnly: true}, ""},
		{"doc titles are not names", "checkot", Audience{All: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := x.suggest(t.Context(), tt.word, tt.aud)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("suggest(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"ledger", "ledgr", 1},
		{"kitten", "sitting", 3},
		{"payments-api", "payment-api", 1},
		{"café", "cafe", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
