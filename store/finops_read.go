package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nextportal/portal/finops"
)

// costDimension is the cost_lines column of each finops dimension.
var costDimension = map[string]string{
	"entity": "entity", "owner": "owner", "system": "system", "domain": "domain",
	"provider": "provider", "service": "service", "resource": "resource",
}

const selectCostRows = `SELECT id, line, provider, billing_account, billing_period_start, billing_period_end,
	sub_account, charge_start, charge_end, billed_cost, effective_cost, list_cost, currency, service,
	service_category, resource, resource_name, region, charge_category, tags
	FROM cost_rows WHERE id > $1 ORDER BY id LIMIT 5000`

// Reallocate replaces every line with alloc's lines of every stored row, in one
// transaction, reading the rows in pages.
func (db *DB) Reallocate(ctx context.Context, alloc func(finops.Cost) []finops.Line) error {
	const what = "reallocate costs"
	// Read on the same transaction as the writes on SQLite (one writer), else a snapshot
	// is taken by the pgx transaction; both see exactly the rows the lines replace.
	err := db.inCostTx(ctx, func(tx costTx) error {
		if err := tx.exec(ctx, `DELETE FROM cost_lines`); err != nil {
			return err
		}
		var last int64
		for {
			var lines [][]any
			var page int
			err := tx.query(ctx, selectCostRows, []any{last}, func(sc scanner) error {
				c, id, err := scanCostRow(sc)
				if err != nil {
					return err
				}
				last, page = id, page+1
				for _, l := range alloc(c) {
					lines = append(lines, costLineArgs("realloc", l))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := tx.insert(ctx, "cost_lines", costLineColumns, lines); err != nil {
				return err
			}
			if page < 5000 {
				return nil
			}
		}
	})
	return translate(what, err)
}

func scanCostRow(sc scanner) (finops.Cost, int64, error) {
	var c finops.Cost
	var id int64
	var bpEnd, cEnd sql.NullTime
	var tags string
	err := sc.Scan(&id, &c.Line, &c.Provider, &c.BillingAccountID, &c.BillingPeriodStart, &bpEnd,
		&c.SubAccountID, &c.ChargePeriodStart, &cEnd, &c.BilledCost, &c.EffectiveCost, &c.ListCost,
		&c.Currency, &c.ServiceName, &c.ServiceCategory, &c.ResourceID, &c.ResourceName, &c.RegionID,
		&c.ChargeCategory, &tags)
	if err != nil {
		return c, 0, err
	}
	c.BillingPeriodEnd, c.ChargePeriodEnd = bpEnd.Time, cEnd.Time
	c.BillingPeriodStart, c.ChargePeriodStart = c.BillingPeriodStart.UTC(), c.ChargePeriodStart.UTC()
	if tags != "{}" {
		if err := json.Unmarshal([]byte(tags), &c.Tags); err != nil {
			return c, 0, fmt.Errorf("decode tags of cost row %d: %w", id, err)
		}
	}
	return c, id, nil
}

// costWhere builds the WHERE clause of q (without its entity list) and its arguments.
func costWhere(q finops.DailyQuery) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !q.From.IsZero() {
		conds = append(conds, "day >= "+arg(dayString(q.From, false)))
	}
	if !q.To.IsZero() {
		conds = append(conds, "day < "+arg(dayString(q.To, true)))
	}
	keys := make([]string, 0, len(q.Filter))
	for k := range q.Filter {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		conds = append(conds, costDimension[k]+" = "+arg(q.Filter[k]))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// dayString is the day t falls on; for an exclusive upper bound a time after midnight
// counts its own day in.
func dayString(t time.Time, upper bool) string {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if upper && t.After(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format(time.DateOnly)
}

// DailyCosts returns the daily sums of the lines matching q per key and currency.
func (db *DB) DailyCosts(ctx context.Context, q finops.DailyQuery) ([]finops.DailyCost, error) {
	return db.costSums(ctx, q, true)
}

// SumCosts returns the sums of the lines matching q per key and currency.
func (db *DB) SumCosts(ctx context.Context, q finops.DailyQuery) ([]finops.DailyCost, error) {
	return db.costSums(ctx, q, false)
}

func (db *DB) costSums(ctx context.Context, q finops.DailyQuery, daily bool) ([]finops.DailyCost, error) {
	const what = "sum costs"
	key := "''"
	if q.GroupBy != "" {
		key = costDimension[q.GroupBy]
		if key == "" {
			return nil, fmt.Errorf("%s: unknown dimension %q: %w", what, q.GroupBy, finops.ErrInvalid)
		}
	}
	for k := range q.Filter {
		if costDimension[k] == "" {
			return nil, fmt.Errorf("%s: unknown filter %q: %w", what, k, finops.ErrInvalid)
		}
	}
	day := "''"
	if daily {
		day = "day"
	}
	where, args := costWhere(q)
	group := fmt.Sprintf("GROUP BY %s, %s, currency ORDER BY %s, %s, currency", day, key, day, key)
	if daily && key == "''" {
		group = "GROUP BY day, currency ORDER BY day, currency"
	} else if !daily && key == "''" {
		group = "GROUP BY currency ORDER BY currency"
	} else if !daily {
		group = fmt.Sprintf("GROUP BY %s, currency ORDER BY %s, currency", key, key)
	}
	base := fmt.Sprintf("SELECT %s, %s, currency, SUM(billed_cost), SUM(effective_cost) FROM cost_lines", day, key)
	run := func(query string, args []any) ([]finops.DailyCost, error) {
		return collectRows(ctx, db.sql, query, args, func(sc scanner) (finops.DailyCost, error) {
			var d finops.DailyCost
			var dayText string
			if err := sc.Scan(&dayText, &d.Key, &d.Currency, &d.BilledCost, &d.EffectiveCost); err != nil {
				return d, err
			}
			if dayText != "" {
				t, err := time.Parse(time.DateOnly, dayText)
				if err != nil {
					return d, fmt.Errorf("day %q: %w", dayText, err)
				}
				d.Day = t
			}
			return d, nil
		})
	}
	if q.Entities == nil {
		out, err := run(base+where+" "+group+" "+db.dialect.limitOffset(q.Limit, q.Offset), args)
		return out, translate(what, err)
	}
	if len(q.Entities) == 0 {
		return []finops.DailyCost{}, nil
	}
	// The caller's entities may be many: sum over disjoint chunks of them and merge.
	per := max(1, db.dialect.maxParams-len(args)-4)
	merged := map[[3]string]*finops.DailyCost{}
	var order [][3]string
	for start := 0; start < len(q.Entities); start += per {
		chunk := q.Entities[start:min(start+per, len(q.Entities))]
		cargs := slices.Clone(args)
		ph := make([]string, len(chunk))
		for i, e := range chunk {
			cargs = append(cargs, e)
			ph[i] = fmt.Sprintf("$%d", len(cargs))
		}
		cond := " WHERE "
		if where != "" {
			cond = where + " AND "
		}
		part, err := run(base+cond+"entity IN ("+strings.Join(ph, ", ")+") "+group, cargs)
		if err != nil {
			return nil, translate(what, err)
		}
		for _, d := range part {
			k := [3]string{d.Day.Format(time.DateOnly), d.Key, d.Currency}
			if m := merged[k]; m != nil {
				m.BilledCost += d.BilledCost
				m.EffectiveCost += d.EffectiveCost
				continue
			}
			d := d
			merged[k] = &d
			order = append(order, k)
		}
	}
	slices.SortFunc(order, func(a, b [3]string) int {
		for i := range a {
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	out := make([]finops.DailyCost, 0, len(order))
	for _, k := range order {
		out = append(out, *merged[k])
	}
	if q.Offset > 0 {
		out = out[min(q.Offset, len(out)):]
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// CostEntities returns the distinct entities lines are allocated to.
func (db *DB) CostEntities(ctx context.Context) ([]string, error) {
	out, err := collectRows(ctx, db.sql, `SELECT DISTINCT entity FROM cost_lines ORDER BY entity`, nil, scanString)
	return out, translate("cost entities", err)
}

// CostTotals returns the sums of the rows and of the lines per currency.
func (db *DB) CostTotals(ctx context.Context) (rows, lines []finops.Total, err error) {
	scan := func(sc scanner) (finops.Total, error) {
		var t finops.Total
		err := sc.Scan(&t.Currency, &t.BilledCost, &t.EffectiveCost)
		return t, err
	}
	rows, err = collectRows(ctx, db.sql, `SELECT currency, SUM(billed_cost), SUM(effective_cost) FROM cost_rows GROUP BY currency ORDER BY currency`, nil, scan)
	if err != nil {
		return nil, nil, translate("cost totals", err)
	}
	lines, err = collectRows(ctx, db.sql, `SELECT currency, SUM(billed_cost), SUM(effective_cost) FROM cost_lines GROUP BY currency ORDER BY currency`, nil, scan)
	return rows, lines, translate("cost totals", err)
}
