package finops_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/finops"
)

var reportT0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// twoWeeks is 14 days of daily rows: brightpathmatrix's EC2 costs 10 a day, its S3 2 a day
// in the first week and 5 in the second; an untagged resource of team maps-team costs 1.
func twoWeeks() string {
	var sb strings.Builder
	sb.WriteString("BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,BillingPeriodStart,ProviderName,BillingAccountId,ServiceName,ResourceId,Tags\n")
	for d := range 14 {
		day := reportT0.AddDate(0, 0, d).Format(time.DateOnly)
		s3 := 2.0
		if d >= 7 {
			s3 = 5
		}
		fmt.Fprintf(&sb, "10,10,USD,%s,2026-03-01,AWS,a,Amazon EC2,i-1,\"{\"\"application\"\":\"\"brightpathmatrix\"\"}\"\n", day)
		fmt.Fprintf(&sb, "%g,%g,USD,%s,2026-03-01,AWS,a,Amazon S3,bucket-1,\"{\"\"application\"\":\"\"brightpathmatrix\"\"}\"\n", s3, s3, day)
		fmt.Fprintf(&sb, "1,1,USD,%s,2026-03-01,AWS,a,Amazon S3,bucket-2,\"{\"\"team\"\":\"\"maps-team\"\"}\"\n", day)
		fmt.Fprintf(&sb, "3,3,USD,%s,2026-03-01,AWS,a,Amazon EC2,i-nobody,NULL\n", day)
	}
	return sb.String()
}

func TestShowbackAndMovers(t *testing.T) {
	s, _, _ := newTestService(t)
	ctx := systemContext(t)
	if _, err := s.Import(ctx, strings.NewReader(twoWeeks()), finops.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	week2 := finops.Period{From: reportT0.AddDate(0, 0, 7), To: reportT0.AddDate(0, 0, 14)}
	sb, err := s.Showback(ctx, "group:default/finance-ai", week2)
	if err != nil {
		t.Fatal(err)
	}
	if len(sb.Current) != 1 || sb.Current[0].EffectiveCost != 105 || sb.Before[0].EffectiveCost != 84 {
		t.Errorf("showback totals = %+v before %+v, want 105 after 84", sb.Current, sb.Before)
	}
	if len(sb.ByService) != 2 || sb.ByService[0].Key != "Amazon EC2" || sb.ByService[0].Current != 70 {
		t.Errorf("by service = %+v, want EC2 70 first", sb.ByService)
	}
	if len(sb.ResourceMovers) != 1 || sb.ResourceMovers[0].Key != "bucket-1" || sb.ResourceMovers[0].Change != 21 {
		t.Errorf("resource movers = %+v, want bucket-1 +21 only", sb.ResourceMovers)
	}
	if !sb.Previous.To.Equal(week2.From) || !sb.Previous.From.Equal(reportT0) {
		t.Errorf("previous period = %+v, want the week before", sb.Previous)
	}
	ms, err := s.Movers(ctx, nil, "service", week2, sb.Previous, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Key != "Amazon S3" || ms[0].Change != 21 {
		t.Errorf("service movers = %+v, want S3 +21", ms)
	}
	// Daily of the team over both weeks: 14 days, 12 then 15.
	d, err := s.Daily(ctx, finops.DailyQuery{Filter: map[string]string{"owner": "group:default/finance-ai"}, From: reportT0, To: reportT0.AddDate(0, 0, 14)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 14 || d[0].EffectiveCost != 12 || d[13].EffectiveCost != 15 || !d[0].Day.Equal(reportT0) {
		t.Errorf("daily = %+v, want 14 days from 12 to 15", d)
	}
}

func TestReportsHonourVisibility(t *testing.T) {
	s, _, _ := newTestService(t)
	if _, err := s.Import(systemContext(t), strings.NewReader(twoWeeks()+
		"7,7,USD,2026-03-02,2026-03-01,AWS,a,Amazon RDS,db-secret,\"{\"\"application\"\":\"\"PrimeManagerDrive\"\"}\"\n"), finops.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	viewer := auth.NewContext(t.Context(), auth.Principal{Kind: auth.KindUser, Subject: "v", Name: "v", Role: auth.RoleViewer})
	sums, err := s.Sums(viewer, finops.DailyQuery{GroupBy: "entity"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range sums {
		if d.Key == "" || d.Key == "component:default/secret-thing" {
			t.Errorf("a viewer sees %+v", d)
		}
	}
	sums, err = s.Sums(viewer, finops.DailyQuery{GroupBy: "service"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range sums {
		if d.Key == "Amazon RDS" {
			t.Errorf("a viewer sees the restricted entity's service cost %+v", d)
		}
	}
	if _, err := s.Sums(auth.NewContext(t.Context(), auth.Anonymous()), finops.DailyQuery{GroupBy: "entity"}); err != nil {
		t.Errorf("anonymous: %v", err)
	}
}

// TestReallocateFollowsTheCatalog: costs of a tag nobody claimed move to the entity
// registered later, once the catalog's version changes.
func TestReallocateFollowsTheCatalog(t *testing.T) {
	s, db, cat, root := newTestServiceAt(t)
	ctx := systemContext(t)
	file := twoWeeks()
	for d := range 14 {
		file += fmt.Sprintf("2,2,USD,%s,2026-03-01,AWS,a,AWS Batch,batch-1,\"{\"\"app\"\":\"\"nightly-batch\"\"}\"\n", reportT0.AddDate(0, 0, d).Format(time.DateOnly))
	}
	if _, err := s.Import(ctx, strings.NewReader(file), finops.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sumOf := func(entity string) float64 {
		sums, err := s.Sums(ctx, finops.DailyQuery{Filter: map[string]string{"entity": entity}})
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) == 0 {
			return 0
		}
		return sums[0].EffectiveCost
	}
	if got := sumOf(""); got != 42+28 {
		t.Fatalf("unallocated before = %v, want 70 (i-nobody and the batch)", got)
	}
	v1, err := db.CatalogVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if did, err := s.ReallocateIfChanged(ctx, v1); err != nil || !did {
		t.Fatalf("first ReallocateIfChanged = %v, %v; want a reallocation", did, err)
	}
	if did, _ := s.ReallocateIfChanged(ctx, v1); did {
		t.Error("ReallocateIfChanged reallocated an unchanged catalog")
	}
	p := filepath.Join(root, "batch.yaml")
	yaml := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: nightly-batch\nspec:\n  type: service\n  lifecycle: production\n  owner: maps-team\n"
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cat.AddLocation(ctx, "file", p, false); err != nil {
		t.Fatal(err)
	}
	v2, err := db.CatalogVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if did, err := s.ReallocateIfChanged(ctx, v2); err != nil || !did {
		t.Fatalf("ReallocateIfChanged after a catalog change = %v, %v", did, err)
	}
	if got := sumOf(""); got != 42 {
		t.Errorf("unallocated after = %v, want 42", got)
	}
	if got := sumOf("component:default/nightly-batch"); got != 28 {
		t.Errorf("nightly-batch = %v, want 28", got)
	}
	rows, lines, err := db.CostTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if math.Round(rows[0].EffectiveCost*100) != math.Round(lines[0].EffectiveCost*100) {
		t.Errorf("rows %v != lines %v after reallocation", rows, lines)
	}
}
