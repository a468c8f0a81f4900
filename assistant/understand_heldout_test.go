package assistant_test

import "testing"

// heldOutParaphrases were written after the intent and entity matching had been tuned on
// paraphrases, and were run once without changing anything for them: they measure how
// the reading generalises. The floor sits below what was measured.
var heldOutParaphrases = []paraphrase{
	{"whos in charge of the product catalogue service", "owner", "component:default/product-catalog-service"},
	{"the order archiver - which team?", "owner", "component:default/order-archiver"},
	{"Owner for ledger-grpc", "owner", "api:default/ledger-grpc"},
	{"who supports the cart cache", "owner", "resource:default/cart-cache"},
	{"which squad maintains storefront web", "owner", "component:default/storefront-web"},
	{"what is the storefront team responsible for?", "owned", "group:default/storefront-team"},
	{"list the people in fulfillment", "members", "group:default/fulfilment-team"},
	{"who's on checkout", "members", "group:default/checkout-team"},
	{"what team is Samuel Osei in", "groups", "user:default/samuel-osei"},
	{"hannah kowalski - which group", "groups", "user:default/hannah-kowalski"},
	{"who does the payments team report to", "parent", "group:default/payments-team"},
	{"teams under commerce engineering", "children", "group:default/commerce-engineering"},
	{"what system does the shipment notifier belong to?", "system", "component:default/shipment-notifier"},
	{"which system owns the order archive bucket", "system", "resource:default/order-archive-bucket"},
	{"the ledger is in which domain", "domain", "system:default/ledger"},
	{"what components are in storefront", "parts", "system:default/storefront"},
	{"which apis does the checkout service offer", "provides", "component:default/checkout-service"},
	{"apis used by the search service", "consumes", "component:default/search-service"},
	{"what implements the payments rest api", "providers", "api:default/payments-rest"},
	{"which services call the inventory grpc api", "consumers", "api:default/inventory-grpc"},
	{"what does the reconciliation worker rely on", "dependsOn", "component:default/reconciliation-worker"},
	{"what needs the ledger database", "dependents", "resource:default/ledger-db"},
	{"if the events kafka cluster is down what is affected", "dependents", "resource:default/events-kafka"},
	{"is the legacy payment gateway still supported", "lifecycle", "component:default/legacy-payments-gateway"},
	{"what stage is the fraud scoring api in", "lifecycle", "api:default/fraud-grpc"},
	{"is service-chassis-go a library", "type", "component:default/service-chassis-go"},
	{"grafana for developer platform", "links", "system:default/developer-platform"},
	{"readme of the orders service", "entityDocs", "component:default/orders-service"},
	{"describe the cart service", "describe", "component:default/cart-service"},
	{"who is rafael costa", "describe", "user:default/rafael-costa"},
	{"what should i do when the checkout success rate is low", "howto", ""},
	{"how are retries handled for kafka consumers", "howto", ""},
}

func TestUnderstandHeldOut(t *testing.T) {
	checkUnderstanding(t, "held-out paraphrases", heldOutParaphrases, floorHeldOut)
}

// floorHeldOut is the share of held-out paraphrases read right that must hold.
const floorHeldOut = 0.8
