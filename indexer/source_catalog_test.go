package indexer_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
)

func TestCatalogSource(t *testing.T) {
	fx := newSourceFixture(t)
	src := indexer.NewCatalogSource(fx.cat)
	if got := src.Name(); got != "catalog" {
		t.Errorf("Name() = %q, want catalog", got)
	}
	docs := collect(t, src)

	page, err := fx.cat.Query(auth.NewContext(t.Context(), auth.System()), catalog.Query{})
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	want := 0
	for _, e := range page.Entities {
		id := "entity:" + e.Ref().String()
		d, ok := docs[id]
		if e.Kind == "Location" {
			if ok {
				t.Errorf("Location entity %s yielded a document", e.Ref())
			}
			continue
		}
		want++
		if !ok {
			t.Errorf("no document %s", id)
			continue
		}
		if d.Kind != indexer.KindEntity || d.EntityRef != e.Ref().String() || d.Text == "" {
			t.Errorf("%s: Kind %q, EntityRef %q, %d bytes of text", id, d.Kind, d.EntityRef, len(d.Text))
		}
		if got := d.Fields[indexer.FieldKind]; len(got) != 1 || got[0] != strings.ToLower(e.Kind) {
			t.Errorf("%s: kind field = %v, want [%s]", id, got, strings.ToLower(e.Kind))
		}
	}
	if len(docs) != want || want < 55 {
		t.Errorf("catalog source yielded %d documents, want one per non-Location entity: %d", len(docs), want)
	}

	tests := []struct {
		id        string
		title     string
		url       string
		fields    map[string][]string
		vis       auth.Visibility
		allowed   []string
		textParts []string
	}{{
		id:    "entity:component:default/payments-api",
		title: "Payments API service",
		url:   "/catalog/default/component/payments-api",
		fields: map[string][]string{
			"kind": {"component"}, "type": {"service"}, "lifecycle": {"production"},
			"owner": {"group:default/payments-team"}, "system": {"system:default/payments"},
			"domain": {"domain:default/payments"}, "tags": {"go", "postgres", "pci", "tier-1"},
		},
		vis: auth.VisibilityInternal,
		textParts: []string{
			"payments-api (Payments API service)\n\nFernway Pay's front door",
			"Component of type service, lifecycle production, owned by group:default/payments-team, part of system system:default/payments in domain domain:default/payments.",
			"Tags: go, postgres, pci, tier-1.",
			"Provides APIs: api:default/payment-events, api:default/payments-rest.",
			"Consumes APIs: api:default/fraud-grpc, api:default/ledger-grpc.",
			"resource:default/payments-db",
			"Links: Service dashboard (https://grafana.fernway.example/d/payments-api)",
			"Slack channel: #team-payments.",
		},
	}, {
		id:    "entity:component:default/vault-broker",
		title: "Vault broker",
		url:   "/catalog/default/component/vault-broker",
		fields: map[string][]string{
			"kind": {"component"}, "type": {"service"}, "lifecycle": {"production"},
			"owner": {"group:default/payments-team"}, "system": {"system:default/ledger"},
			"domain": {"domain:default/payments"}, "tags": {"secrets", "go"},
		},
		vis:       auth.VisibilityRestricted,
		allowed:   []string{"group:default/payments-team", "group:default/platform-team", "group:default/security-team"},
		textParts: []string{"Depends on: resource:default/ledger-db."},
	}, {
		id:    "entity:component:default/handbook",
		title: "handbook",
		url:   "/catalog/default/component/handbook",
		fields: map[string][]string{
			"kind": {"component"}, "type": {"documentation"}, "lifecycle": {"production"},
			"owner": {"group:default/platform-team"},
		},
		vis: auth.VisibilityPublic,
	}, {
		id:    "entity:system:default/payments",
		title: "Fernway Pay",
		url:   "/catalog/default/system/payments",
		fields: map[string][]string{
			"kind": {"system"}, "owner": {"group:default/payments-team"}, "system": {"system:default/payments"},
			"domain": {"domain:default/payments"}, "tags": {"pci", "tier-1"},
		},
		vis:       auth.VisibilityInternal,
		textParts: []string{"System owned by group:default/payments-team, part of domain domain:default/payments.", "Has parts: "},
	}, {
		id:    "entity:group:default/payments-team",
		title: "Payments",
		url:   "/catalog/default/group/payments-team",
		fields: map[string][]string{
			"kind": {"group"}, "type": {"team"},
		},
		vis: auth.VisibilityInternal,
		textParts: []string{
			"Group of type team.", "Email: payments-team@fernway.example.",
			"user:default/elena-petrova", "Owns: ", "component:default/payments-api",
			"Parent group: group:default/engineering.",
		},
	}, {
		id:        "entity:user:default/elena-petrova",
		title:     "Elena Petrova",
		url:       "/catalog/default/user/elena-petrova",
		fields:    map[string][]string{"kind": {"user"}},
		vis:       auth.VisibilityInternal,
		textParts: []string{"elena-petrova (Elena Petrova)\n\nEngineering manager, Payments", "Email: elena.petrova@fernway.example.", "Member of: group:default/payments-team."},
	}}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d, ok := docs[tt.id]
			if !ok {
				t.Fatalf("no document %s", tt.id)
			}
			if d.Title != tt.title || d.URL != tt.url {
				t.Errorf("Title, URL = %q, %q, want %q, %q", d.Title, d.URL, tt.title, tt.url)
			}
			if diff := cmp.Diff(tt.fields, d.Fields); diff != "" {
				t.Errorf("Fields (-want +got):\n%s", diff)
			}
			if d.Visibility != tt.vis || !cmp.Equal(d.Allowed, tt.allowed) {
				t.Errorf("Visibility, Allowed = %s, %v, want %s, %v", d.Visibility, d.Allowed, tt.vis, tt.allowed)
			}
			for _, part := range tt.textParts {
				if !strings.Contains(d.Text, part) {
					t.Errorf("Text does not contain %q:\n%s", part, d.Text)
				}
			}
		})
	}
}
