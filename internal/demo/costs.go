package demo

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// CostOptions shape the demo organisation's cost history (see WriteCosts).
type CostOptions struct {
	// End is the day after the last day of history (truncated to midnight UTC); the
	// history covers the Days days before it.
	End time.Time
	// Days is how many days of history to write (default 365).
	Days int
	// Seed makes the history reproducible: the same options write the same bytes.
	Seed uint64
	// Spike multiplies one resource's cost on one day; nil takes DefaultSpike(End), and a
	// Spike with Factor 0 writes none.
	Spike *Spike
}

// Spike is a one-day jump in one resource's cost.
type Spike struct {
	ResourceID string
	Day        time.Time
	Factor     float64
}

// Spiked is the resource the demo history's spike hits: checkout-service's compute.
const Spiked = "arn:aws:ec2:eu-west-1:412398765012:autoscaling-group/checkout-service-asg"

// DefaultSpike is the demo history's one spike: checkout-service's compute costs six times
// its usual amount four days before end.
func DefaultSpike(end time.Time) *Spike {
	return &Spike{ResourceID: Spiked, Day: midnight(end).AddDate(0, 0, -4), Factor: 6}
}

// demoResource is one billed resource of the demo org: its cost on day t (0 = first day of
// history) is Base × (1 + Growth·t/365) × (1 + Weekly·pattern(weekday)) × (1 + Noise·N(0,1)),
// from day Start on.
type demoResource struct {
	Provider, Account, Service, Category, Region string
	ID, Name, Type                               string
	Tags                                         map[string]string
	Base, Growth, Weekly, Noise                  float64
	// Effective is EffectiveCost / BilledCost (commitment discounts), 1 when zero.
	Effective float64
	// Start is the first day (from the end: -20 = twenty days before End) the resource
	// bills; 0 means it bills the whole history.
	Start int
}

// accounts are the billing accounts of each provider: id and name.
var accounts = map[string][2]string{
	"AWS":             {"412398765012", "fernway-prod"},
	"Google Cloud":    {"fernway-analytics", "Fernway Analytics"},
	"Microsoft Azure": {"5f2d8c1e-3b7a-4c9e-9d41-0a6e2b7c8f13", "Fernway Edge"},
}

func app(component, team string) map[string]string {
	return map[string]string{"application": component, "team": team, "env": "production"}
}

// demoResources are the demo org's bills: the services run on AWS, search analytics on
// Google Cloud and the storefront's edge on Azure. A few resources carry no tags (the NAT
// gateway, old snapshots, a sandbox), one carries only a team tag, one belongs to the
// deprecated legacy-payments-gateway and one service (SageMaker for fraud scoring) only
// appears in the last three weeks.
var demoResources = []demoResource{
	{Provider: "AWS", Service: "Amazon Elastic Compute Cloud", Category: "Compute", ID: Spiked, Name: "checkout-service-asg", Type: "Auto Scaling Group", Tags: app("checkout-service", "checkout-team"), Base: 210, Growth: 0.35, Weekly: 0.18, Noise: 0.04, Effective: 0.72},
	{Provider: "AWS", Service: "Amazon ElastiCache", Category: "Databases", ID: "arn:aws:elasticache:eu-west-1:412398765012:cluster/cart-cache", Name: "cart-cache", Type: "Cache Cluster", Tags: app("cart-service", "checkout-team"), Base: 64, Growth: 0.1, Weekly: 0.05, Noise: 0.02},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/cart-service", Name: "cart-service", Type: "ECS Service", Tags: app("cart-service", "checkout-team"), Base: 88, Growth: 0.2, Weekly: 0.2, Noise: 0.05},
	{Provider: "AWS", Service: "Amazon Relational Database Service", Category: "Databases", ID: "arn:aws:rds:eu-west-1:412398765012:db:payments-db", Name: "payments-db", Type: "DB Instance", Tags: app("payments-api", "payments-team"), Base: 180, Growth: 0.15, Weekly: 0.03, Noise: 0.02, Effective: 0.65},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/payments-api", Name: "payments-api", Type: "ECS Service", Tags: app("payments-api", "payments-team"), Base: 140, Growth: 0.3, Weekly: 0.22, Noise: 0.05},
	{Provider: "AWS", Service: "Amazon Managed Streaming for Apache Kafka", Category: "Analytics", ID: "arn:aws:kafka:eu-west-1:412398765012:topic/payment-events", Name: "payment-events-topic", Type: "Kafka Topic", Tags: app("payments-api", "payments-team"), Base: 22, Growth: 0.25, Weekly: 0.15, Noise: 0.04},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/fraud-scoring-service", Name: "fraud-scoring-service", Type: "ECS Service", Tags: app("fraud-scoring-service", "payments-team"), Base: 55, Growth: 0.6, Weekly: 0.2, Noise: 0.06},
	{Provider: "AWS", Service: "Amazon SageMaker", Category: "AI and Machine Learning", ID: "arn:aws:sagemaker:eu-west-1:412398765012:endpoint/fraud-model-v2", Name: "fraud-model-v2", Type: "Endpoint", Tags: app("fraud-scoring-service", "payments-team"), Base: 95, Weekly: 0.1, Noise: 0.03, Start: -20},
	{Provider: "AWS", Service: "Amazon Elastic Compute Cloud", Category: "Compute", ID: "arn:aws:ec2:eu-west-1:412398765012:instance/i-0legacy7gateway01", Name: "legacy-payments-gateway-1", Type: "Instance", Tags: app("legacy-payments-gateway", "payments-team"), Base: 48, Growth: -0.3, Weekly: 0.05, Noise: 0.02},
	{Provider: "AWS", Service: "Amazon Relational Database Service", Category: "Databases", ID: "arn:aws:rds:eu-west-1:412398765012:db:ledger-db", Name: "ledger-db", Type: "DB Instance", Tags: app("ledger-service", "payments-team"), Base: 150, Growth: 0.1, Weekly: 0.02, Noise: 0.02, Effective: 0.65},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/ledger-service", Name: "ledger-service", Type: "ECS Service", Tags: app("ledger-service", "payments-team"), Base: 70, Growth: 0.15, Weekly: 0.2, Noise: 0.04},
	{Provider: "AWS", Service: "AWS Lambda", Category: "Compute", ID: "arn:aws:lambda:eu-west-1:412398765012:function:ledger-posting-consumer", Name: "ledger-posting-consumer", Type: "Function", Tags: app("ledger-posting-consumer", "payments-team"), Base: 18, Growth: 0.4, Weekly: 0.3, Noise: 0.08},
	{Provider: "AWS", Service: "AWS Batch", Category: "Compute", ID: "arn:aws:batch:eu-west-1:412398765012:job-queue/reconciliation", Name: "reconciliation-worker", Type: "Job Queue", Tags: app("reconciliation-worker", "payments-team"), Base: 30, Growth: 0.05, Weekly: -0.6, Noise: 0.05},
	{Provider: "AWS", Service: "Amazon Relational Database Service", Category: "Databases", ID: "arn:aws:rds:eu-west-1:412398765012:db:orders-db", Name: "orders-db", Type: "DB Instance", Tags: app("orders-service", "fulfilment-team"), Base: 160, Growth: 0.2, Weekly: 0.04, Noise: 0.02, Effective: 0.65},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/orders-service", Name: "orders-service", Type: "ECS Service", Tags: app("orders-service", "fulfilment-team"), Base: 120, Growth: 0.25, Weekly: 0.2, Noise: 0.05},
	{Provider: "AWS", Service: "Amazon Managed Streaming for Apache Kafka", Category: "Analytics", ID: "arn:aws:kafka:eu-west-1:412398765012:topic/order-events", Name: "order-events-topic", Type: "Kafka Topic", Tags: app("orders-service", "fulfilment-team"), Base: 25, Growth: 0.2, Weekly: 0.15, Noise: 0.04},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/inventory-service", Name: "inventory-service", Type: "ECS Service", Tags: app("inventory-service", "fulfilment-team"), Base: 75, Growth: 0.1, Weekly: 0.15, Noise: 0.04},
	{Provider: "AWS", Service: "AWS Lambda", Category: "Compute", ID: "arn:aws:lambda:eu-west-1:412398765012:function:shipment-notifier", Name: "shipment-notifier", Type: "Function", Tags: app("shipment-notifier", "fulfilment-team"), Base: 9, Growth: 0.3, Weekly: 0.35, Noise: 0.08},
	{Provider: "AWS", Service: "Amazon Simple Storage Service", Category: "Storage", ID: "arn:aws:s3:::fernway-order-archive", Name: "order-archive-bucket", Type: "Bucket", Tags: app("order-archiver", "fulfilment-team"), Base: 26, Growth: 0.8, Noise: 0.01},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/order-archiver", Name: "order-archiver", Type: "ECS Service", Tags: app("order-archiver", "fulfilment-team"), Base: 14, Weekly: -0.5, Noise: 0.05},
	{Provider: "AWS", Service: "Amazon CloudFront", Category: "Networking", ID: "arn:aws:cloudfront::412398765012:distribution/E2FERNWAYWEB", Name: "storefront-web-cdn", Type: "Distribution", Tags: app("storefront-web", "storefront-team"), Base: 95, Growth: 0.3, Weekly: 0.3, Noise: 0.05},
	{Provider: "AWS", Service: "Amazon Elastic Container Service", Category: "Compute", ID: "arn:aws:ecs:eu-west-1:412398765012:service/prod/product-catalog-service", Name: "product-catalog-service", Type: "ECS Service", Tags: app("product-catalog-service", "storefront-team"), Base: 85, Growth: 0.15, Weekly: 0.25, Noise: 0.04},
	{Provider: "AWS", Service: "Amazon Relational Database Service", Category: "Databases", ID: "arn:aws:rds:eu-west-1:412398765012:db:product-catalog-db", Name: "product-catalog-db", Type: "DB Instance", Tags: app("product-catalog-service", "storefront-team"), Base: 110, Growth: 0.05, Weekly: 0.03, Noise: 0.02, Effective: 0.65},
	{Provider: "AWS", Service: "Amazon OpenSearch Service", Category: "Analytics", ID: "arn:aws:es:eu-west-1:412398765012:domain/search", Name: "search-opensearch", Type: "Domain", Tags: app("search-service", "storefront-team"), Base: 130, Growth: 0.2, Weekly: 0.1, Noise: 0.03},
	{Provider: "Google Cloud", Service: "BigQuery", Category: "Analytics", Region: "europe-west1", ID: "//bigquery.googleapis.com/projects/fernway-analytics/datasets/search_clicks", Name: "search_clicks", Type: "Dataset", Tags: app("search-service", "storefront-team"), Base: 42, Growth: 0.5, Weekly: 0.4, Noise: 0.1},
	{Provider: "Microsoft Azure", Service: "Azure Front Door", Category: "Networking", Region: "westeurope", ID: "/subscriptions/5f2d8c1e-3b7a-4c9e-9d41-0a6e2b7c8f13/resourceGroups/edge/providers/Microsoft.Cdn/profiles/fernway-edge", Name: "fernway-edge", Type: "Front Door Profile", Tags: app("storefront-web", "storefront-team"), Base: 38, Growth: 0.2, Weekly: 0.3, Noise: 0.05},
	{Provider: "AWS", Service: "Amazon Managed Streaming for Apache Kafka", Category: "Analytics", ID: "arn:aws:kafka:eu-west-1:412398765012:cluster/events-kafka", Name: "events-kafka", Type: "Cluster", Tags: app("kafka-client-go", "platform-team"), Base: 190, Growth: 0.1, Weekly: 0.05, Noise: 0.02},
	{Provider: "AWS", Service: "Amazon Elastic Compute Cloud", Category: "Compute", ID: "arn:aws:ec2:eu-west-1:412398765012:autoscaling-group/ci-runners", Name: "ci-runners", Type: "Auto Scaling Group", Tags: map[string]string{"team": "platform-team"}, Base: 60, Growth: 0.2, Weekly: 0.7, Noise: 0.08},
	{Provider: "AWS", Service: "Amazon Virtual Private Cloud", Category: "Networking", ID: "arn:aws:ec2:eu-west-1:412398765012:natgateway/nat-0a1b2c3d4e5f", Name: "nat-0a1b2c3d4e5f", Type: "NAT Gateway", Base: 45, Growth: 0.2, Weekly: 0.15, Noise: 0.03},
	{Provider: "AWS", Service: "Amazon Elastic Block Store", Category: "Storage", ID: "arn:aws:ec2:eu-west-1:412398765012:snapshot/snap-0old1234", Name: "snap-0old1234", Type: "Snapshot", Base: 12, Growth: 0.1, Noise: 0.005},
	{Provider: "AWS", Service: "Amazon Elastic Compute Cloud", Category: "Compute", ID: "arn:aws:ec2:eu-west-1:412398765012:instance/i-0sandbox99", Name: "sandbox-box", Type: "Instance", Tags: map[string]string{"env": "sandbox"}, Base: 20, Weekly: 0.1, Noise: 0.05},
}

// weekly is each weekday's traffic shape (Sunday first): busy midweek, quiet weekend.
var weekly = [7]float64{-0.8, 0.2, 0.4, 0.45, 0.35, 0.1, -0.7}

// CostColumns are the FOCUS 1.0 columns WriteCosts writes, in order.
var CostColumns = []string{
	"BillingAccountId", "BillingAccountName", "SubAccountId", "SubAccountName", "BillingCurrency",
	"BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd",
	"ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
	"BilledCost", "EffectiveCost", "ListCost", "ContractedCost",
	"ProviderName", "PublisherName", "InvoiceIssuerName", "RegionId", "RegionName",
	"ServiceName", "ServiceCategory", "ResourceId", "ResourceName", "ResourceType",
	"PricingCategory", "Tags",
}

// WriteCosts writes the demo organisation's daily cost history as FOCUS 1.0 CSV: one row
// per resource and day, with trends, weekly seasonality, untagged resources and one spike
// (see CostOptions). It returns the number of rows written.
func WriteCosts(w io.Writer, o CostOptions) (int, error) {
	if o.Days <= 0 {
		o.Days = 365
	}
	end := midnight(o.End)
	spike := o.Spike
	if spike == nil {
		spike = DefaultSpike(end)
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	cw := csv.NewWriter(w)
	if err := cw.Write(CostColumns); err != nil {
		return 0, fmt.Errorf("write demo costs: %w", err)
	}
	rows := 0
	start := end.AddDate(0, 0, -o.Days)
	for d := range o.Days {
		day := start.AddDate(0, 0, d)
		for _, res := range demoResources {
			noise := r.NormFloat64() // drawn for every resource and day, so options don't shift the stream
			if res.Start < 0 && d < o.Days+res.Start {
				continue
			}
			cost := res.Base * (1 + res.Growth*float64(d)/365) * (1 + res.Weekly*weekly[day.Weekday()]) * (1 + res.Noise*noise)
			if spike.Factor > 0 && res.ID == spike.ResourceID && day.Equal(midnight(spike.Day)) {
				cost *= spike.Factor
			}
			cost = math.Max(cost, 0)
			if err := cw.Write(costRecord(res, day, cost)); err != nil {
				return rows, fmt.Errorf("write demo costs: %w", err)
			}
			rows++
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, fmt.Errorf("write demo costs: %w", err)
	}
	return rows, nil
}

func costRecord(res demoResource, day time.Time, billed float64) []string {
	acct := accounts[res.Provider]
	eff := res.Effective
	if eff == 0 {
		eff = 1
	}
	region, regionName := res.Region, ""
	if region == "" {
		region, regionName = "eu-west-1", "Europe (Ireland)"
	}
	pricing := "Standard"
	if eff < 1 {
		pricing = "Committed"
	}
	tags := "{}"
	if len(res.Tags) > 0 {
		b, _ := json.Marshal(res.Tags) // a map of strings always marshals
		tags = string(b)
	}
	bp := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	money := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	return []string{
		acct[0], acct[1], acct[0], acct[1], "USD",
		ts(bp), ts(bp.AddDate(0, 1, 0)), ts(day), ts(day.AddDate(0, 0, 1)),
		"Usage", "", res.Service + " usage of " + res.Name, "Usage-Based",
		money(billed), money(billed * eff), money(billed), money(billed),
		res.Provider, res.Provider, res.Provider, region, regionName,
		res.Service, res.Category, res.ID, res.Name, res.Type,
		pricing, tags,
	}
}

func midnight(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
