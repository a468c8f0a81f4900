package finops

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// row converts one record; a non-empty reason rejects it.
func (f *FOCUSReader) row(rec []string) (Cost, string) {
	get := func(field string) string {
		i, ok := f.col[field]
		if !ok {
			return ""
		}
		v := strings.TrimSpace(rec[i])
		if isNull(v) {
			return ""
		}
		return v
	}
	var c Cost
	var err error
	c.Provider = orDefault(get("provider"), f.defaults.Provider)
	c.BillingAccountID = orDefault(get("billingaccount"), f.defaults.BillingAccountID)
	c.Currency = strings.ToUpper(orDefault(get("currency"), f.defaults.Currency))
	if c.Currency == "" {
		return c, "BillingCurrency is missing"
	}
	if len(c.Currency) != 3 {
		return c, fmt.Sprintf("BillingCurrency %q is not an ISO 4217 code", clip(c.Currency))
	}
	c.SubAccountID = get("subaccount")
	c.ServiceName = get("service")
	c.ServiceCategory = get("servicecategory")
	c.ResourceID = get("resource")
	c.ResourceName = get("resourcename")
	c.RegionID = get("region")
	c.ChargeCategory = get("chargecategory")
	if c.ChargePeriodStart, err = parseTime(get("chargeperiodstart")); err != nil {
		return c, "ChargePeriodStart: " + err.Error()
	}
	if v := get("chargeperiodend"); v != "" {
		if c.ChargePeriodEnd, err = parseTime(v); err != nil {
			return c, "ChargePeriodEnd: " + err.Error()
		}
	}
	if v := get("billingperiodstart"); v != "" {
		if c.BillingPeriodStart, err = parseTime(v); err != nil {
			return c, "BillingPeriodStart: " + err.Error()
		}
	} else {
		// Without a billing period the row belongs to its charge month.
		t := c.ChargePeriodStart
		c.BillingPeriodStart = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	if v := get("billingperiodend"); v != "" {
		if c.BillingPeriodEnd, err = parseTime(v); err != nil {
			return c, "BillingPeriodEnd: " + err.Error()
		}
	} else {
		c.BillingPeriodEnd = c.BillingPeriodStart.AddDate(0, 1, 0)
	}
	if c.BilledCost, err = parseAmount(get("billedcost"), true); err != nil {
		return c, "BilledCost: " + err.Error()
	}
	if _, ok := f.col["effectivecost"]; ok {
		if c.EffectiveCost, err = parseAmount(get("effectivecost"), true); err != nil {
			return c, "EffectiveCost: " + err.Error()
		}
	} else {
		c.EffectiveCost = c.BilledCost
	}
	if c.ListCost, err = parseAmount(get("listcost"), false); err != nil {
		return c, "ListCost: " + err.Error()
	}
	if c.Tags, err = parseTags(get("tags")); err != nil {
		return c, "Tags: " + err.Error()
	}
	return c, ""
}

func isNull(v string) bool { return v == "" || strings.EqualFold(v, "null") }

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// clip bounds a value quoted in a reason.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// timeLayouts are the timestamp shapes seen in real exports: ISO 8601 with or without T,
// Z, an offset or fractional seconds; bare dates; and US month/day/year.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"1/2/06",
}

// parseTime reads a FOCUS timestamp as UTC (a timestamp without a zone is UTC, as FOCUS
// requires).
func parseTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, fmt.Errorf("is missing")
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp", clip(v))
}

// parseAmount reads a decimal amount, tolerating the spreadsheet formatting of the spec's
// examples ("$50,000.00 ", "(1.00)"). An empty value is an error when required, else 0.
func parseAmount(v string, required bool) (float64, error) {
	if v == "" {
		if required {
			return 0, fmt.Errorf("is missing")
		}
		return 0, nil
	}
	s := strings.TrimSpace(v)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, s[1:len(s)-1]
	}
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, s[1:]
	}
	s = strings.TrimPrefix(s, "$")
	s = strings.ReplaceAll(s, ",", "")
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") && neg {
		return 0, fmt.Errorf("%q is not a number", clip(v))
	}
	if neg {
		x = -x
	}
	return x, nil
}

// parseTags reads the Tags column: a JSON object whose values may be strings, numbers or
// booleans.
func parseTags(v string) (map[string]string, error) {
	if v == "" || v == "{}" {
		return nil, nil
	}
	if len(v) > maxTagsLen {
		return nil, fmt.Errorf("longer than %d bytes", maxTagsLen)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	tags := make(map[string]string, len(raw))
	for k, x := range raw {
		switch x := x.(type) {
		case string:
			tags[k] = x
		case nil:
			tags[k] = ""
		case float64, bool:
			tags[k] = fmt.Sprint(x)
		default:
			b, _ := json.Marshal(x)
			tags[k] = string(b)
		}
	}
	return tags, nil
}
