package assistant_test

import (
	"testing"
)

// paraphrase is a question and how it should be read: its intent and its subject entity.
type paraphrase struct{ q, intent, subject string }

// paraphrases were written before the pipeline's answers were looked at: each asks for one
// relation of one demo entity the way people type, with lower case, missing punctuation,
// plurals, abbreviations and typos. TestUnderstandParaphrases reports how many the
// pipeline reads right (intent and subject) and holds a floor.
var paraphrases = []paraphrase{
	{"who owns payments-api", "owner", "component:default/payments-api"},
	{"Who is the owner of the Payments API service?", "owner", "component:default/payments-api"},
	{"payment svc owner", "owner", "component:default/payments-api"},
	{"which team looks after the orders db", "owner", "resource:default/orders-db"},
	{"whose is the inventroy service", "owner", "component:default/inventory-service"},
	{"who do i talk to about the cart servce", "owner", "component:default/cart-service"},
	{"who is accountable for the ledger", "owner", "system:default/ledger"},
	{"who maintians shipment notifier", "owner", "component:default/shipment-notifier"},
	{"team owning search service?", "owner", "component:default/search-service"},
	{"what does the payments team own", "owned", "group:default/payments-team"},
	{"what are fulfilment responsible for", "owned", "group:default/fulfilment-team"},
	{"things owned by the checkout team", "owned", "group:default/checkout-team"},
	{"who is in the checkout team", "members", "group:default/checkout-team"},
	{"members of payments", "members", "group:default/payments-team"},
	{"list the people on the storefront team", "members", "group:default/storefront-team"},
	{"who works on developer platform team", "members", "group:default/platform-team"},
	{"what team is elena petrova on", "groups", "user:default/elena-petrova"},
	{"which groups does Noah Fischer belong to", "groups", "user:default/noah-fischer"},
	{"kenji watanabes team", "groups", "user:default/kenji-watanabe"},
	{"what team is sofia marchetti in", "groups", "user:default/sofia-marchetti"},
	{"parent group of the fulfilment team", "parent", "group:default/fulfilment-team"},
	{"which department is the payments team under", "parent", "group:default/payments-team"},
	{"subteams of commerce engineering", "children", "group:default/commerce-engineering"},
	{"what teams report to fernway engineering", "children", "group:default/engineering"},
	{"which system is the checkout service part of", "system", "component:default/checkout-service"},
	{"what system does order archiver belong to", "system", "component:default/order-archiver"},
	{"system for the payments database", "system", "resource:default/payments-db"},
	{"what domain is the storefront system in", "domain", "system:default/storefront"},
	{"which domain does order management belong to", "domain", "system:default/order-management"},
	{"what's in the checkout system", "parts", "system:default/checkout"},
	{"components of the ledger system", "parts", "system:default/ledger"},
	{"what makes up order management", "parts", "system:default/order-management"},
	{"what apis does the inventory service provide", "provides", "component:default/inventory-service"},
	{"apis exposed by payments-api", "provides", "component:default/payments-api"},
	{"what api does search service offer", "provides", "component:default/search-service"},
	{"what apis does the storefront web consume", "consumes", "component:default/storefront-web"},
	{"which apis does orders service call", "consumes", "component:default/orders-service"},
	{"who provides the cart api", "providers", "api:default/cart-rest"},
	{"which service implements the ledger grpc api", "providers", "api:default/ledger-grpc"},
	{"who consumes the payment events", "consumers", "api:default/payment-events"},
	{"clients of the checkout api", "consumers", "api:default/checkout-rest"},
	{"what does the inventory service depend on", "dependsOn", "component:default/inventory-service"},
	{"dependencies of payments api", "dependsOn", "component:default/payments-api"},
	{"what does the order archiver need", "dependsOn", "component:default/order-archiver"},
	{"what depends on the payments db", "dependents", "resource:default/payments-db"},
	{"what breaks if the cart cache goes down", "dependents", "resource:default/cart-cache"},
	{"who relies on kafka client go", "dependents", "component:default/kafka-client-go"},
	{"is the fraud scoring service production ready", "lifecycle", "component:default/fraud-scoring-service"},
	{"lifecycle of legacy payments gateway", "lifecycle", "component:default/legacy-payments-gateway"},
	{"is checkout service deprecated", "lifecycle", "component:default/checkout-service"},
	{"what kind of thing is the service chassis", "type", "component:default/service-chassis-go"},
	{"what type is the orders events topic", "type", "resource:default/order-events-topic"},
	{"dashboard for ledger service", "links", "component:default/ledger-service"},
	{"where is the storybook of the ui kit", "links", "component:default/fernway-ui-kit"},
	{"docs for the reconciliation worker", "entityDocs", "component:default/reconciliation-worker"},
	{"what is the ledger posting consumer", "describe", "component:default/ledger-posting-consumer"},
	{"tell me about fraud scoring", "describe", "component:default/fraud-scoring-service"},
	{"how do i rotate the orders database password", "howto", ""},
	{"steps to purge the cdn", "howto", ""},
	{"why did we choose a transactional outbox", "howto", ""},
}

// floorUnderstand is the share of paraphrases read right that must hold.
const floorUnderstand = 0.8

func TestUnderstandParaphrases(t *testing.T) {
	checkUnderstanding(t, "paraphrases", paraphrases, floorUnderstand)
}

// checkUnderstanding reads every question of set and fails when the share read right (the
// intent, and the subject unless the intent is howto) is below floor.
func checkUnderstanding(t *testing.T, name string, set []paraphrase, floor float64) {
	t.Helper()
	o := newPipelineOrg(t)
	right := 0
	for _, p := range set {
		got, err := o.svc.Explain(as(admin), p.q, nil)
		if err != nil {
			t.Fatalf("Explain(%q): %v", p.q, err)
		}
		if got.Intent == p.intent && (got.Subject == p.subject || p.intent == "howto") {
			right++
		} else {
			t.Logf("%q: got %s %q, want %s %q", p.q, got.Intent, got.Subject, p.intent, p.subject)
		}
	}
	acc := float64(right) / float64(len(set))
	t.Logf("%s: %d of %d read right (%.2f)", name, right, len(set), acc)
	if acc < floor {
		t.Errorf("%s: understanding accuracy %.2f is below the floor %.2f", name, acc, floor)
	}
}
