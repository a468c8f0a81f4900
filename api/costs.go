package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/finops"
)

// costsImportPath is the streamed FOCUS upload; it gets Deps.MaxImportBytes, not the
// usual body limit.
const costsImportPath = v1Prefix + "/costs/import"

// Bounds of the cost routes.
const (
	defaultCostRows = 1000
	maxCostRows     = 10000
	maxCostFilters  = 7
	// maxCostSpan is the longest range GET /api/v1/costs reads.
	maxCostSpan = 3 * 366 * 24 * time.Hour
	// costImportDeadline is how long a streamed import may read and answer.
	costImportDeadline = time.Hour
	// defaultMaxImportBytes bounds a FOCUS upload unless Deps.MaxImportBytes says otherwise.
	defaultMaxImportBytes = 8 << 30
)

// costRoutes are FinOps: developers import FOCUS files; readers read the costs of what
// they may see.
func (s *Server) costRoutes() []route {
	return []route{
		{http.MethodPost, costsImportPath, register, s.handleV1(s.postCostsImport)},
		{http.MethodGet, v1Prefix + "/costs", read, s.handleV1(s.getCosts)},
		{http.MethodGet, v1Prefix + "/costs/movers", read, s.handleV1(s.getCostMovers)},
		{http.MethodGet, v1Prefix + "/costs/showback", read, s.handleV1(s.getShowback)},
	}
}

func finopsOff() error {
	return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
		msg: "costs are not available on this server"}
}

// postCostsImport serves POST /api/v1/costs/import: the body is a FOCUS CSV, plain or
// gzip, read as a stream; ?provider=&account=&currency= stand in for columns the file
// lacks. It answers the import report; a file that is not FOCUS is a 400 and changes
// nothing.
func (s *Server) postCostsImport(c *gin.Context) error {
	if s.deps.FinOps == nil {
		return finopsOff()
	}
	if c.Request.Body == nil {
		return inputErrorf("Missing request body: send a FOCUS CSV file")
	}
	o := finops.ImportOptions{Provider: c.Query("provider"), BillingAccountID: c.Query("account"), Currency: c.Query("currency")}
	for _, v := range []string{o.Provider, o.BillingAccountID, o.Currency} {
		if len(v) > 256 {
			return inputErrorf("provider, account and currency: at most 256 bytes")
		}
	}
	// A large file takes longer than the server's read and write timeouts.
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(time.Now().Add(costImportDeadline))
	_ = rc.SetWriteDeadline(time.Now().Add(costImportDeadline))
	rep, err := s.deps.FinOps.Import(c.Request.Context(), c.Request.Body, o)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, rep)
	return nil
}

// costQuery reads group_by, filter (repeated key=value), from and to (a date or an RFC 3339
// time; default: the 30 days up to today), limit and offset.
func costQuery(c *gin.Context) (finops.DailyQuery, error) {
	q := finops.DailyQuery{GroupBy: c.Query("group_by"), Filter: map[string]string{}, Limit: defaultCostRows}
	filters := c.QueryArray("filter")
	if len(filters) > maxCostFilters {
		return q, inputErrorf("filter: at most %d", maxCostFilters)
	}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return q, inputErrorf("filter %.60q: want key=value, e.g. owner=group:default/payments", f)
		}
		q.Filter[k] = v
	}
	var err error
	if q.From, q.To, err = costRange(c); err != nil {
		return q, err
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"limit", &q.Limit, maxCostRows}, {"offset", &q.Offset, 1 << 30}} {
		if v := c.Query(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > p.max || (p.name == "limit" && n == 0) {
				return q, inputErrorf("%s %.20q: want a number up to %d", p.name, v, p.max)
			}
			*p.dst = n
		}
	}
	return q, nil
}

// costRange reads from and to; the default is the 30 days that end with today.
func costRange(c *gin.Context) (from, to time.Time, err error) {
	parse := func(name string) (time.Time, error) {
		v := c.Query(name)
		if v == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.DateOnly, v); err == nil {
			return t, nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return t, inputErrorf("%s %.40q: want a date (2026-01-02) or an RFC 3339 time", name, v)
		}
		return t.UTC(), nil
	}
	if from, err = parse("from"); err != nil {
		return
	}
	if to, err = parse("to"); err != nil {
		return
	}
	if to.IsZero() {
		now := time.Now().UTC()
		to = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -30)
	}
	if !to.After(from) {
		return from, to, inputErrorf("to must be after from")
	}
	if to.Sub(from) > maxCostSpan {
		return from, to, inputErrorf("from..to spans more than 3 years")
	}
	return from, to, nil
}

// costsResponse is GET /api/v1/costs's JSON answer.
type costsResponse struct {
	GroupBy    string       `json:"groupBy"`
	From       time.Time    `json:"from"`
	To         time.Time    `json:"to"`
	Items      []costItem   `json:"items"`
	NextOffset *int         `json:"nextOffset,omitempty"`
	Totals     []costTotals `json:"totals"`
}

type costItem struct {
	Day           string  `json:"day"`
	Key           string  `json:"key"`
	Currency      string  `json:"currency"`
	BilledCost    float64 `json:"billedCost"`
	EffectiveCost float64 `json:"effectiveCost"`
}

type costTotals struct {
	Currency      string  `json:"currency"`
	BilledCost    float64 `json:"billedCost"`
	EffectiveCost float64 `json:"effectiveCost"`
}

// getCosts serves GET /api/v1/costs?group_by=&filter=&from=&to=&limit=&offset=: daily
// costs per group and currency of what the caller may see, as JSON or, with Accept:
// text/csv or format=csv, as CSV. The key "" is the unallocated bucket.
func (s *Server) getCosts(c *gin.Context) error {
	if s.deps.FinOps == nil {
		return finopsOff()
	}
	q, err := costQuery(c)
	if err != nil {
		return err
	}
	limit := q.Limit
	q.Limit++
	rows, err := s.deps.FinOps.Daily(c.Request.Context(), q)
	if err != nil {
		return err
	}
	resp := costsResponse{GroupBy: q.GroupBy, From: q.From, To: q.To, Items: make([]costItem, 0, min(len(rows), limit))}
	if len(rows) > limit {
		rows = rows[:limit]
		next := q.Offset + limit
		resp.NextOffset = &next
	}
	totals := map[string]*costTotals{}
	var order []string
	for _, d := range rows {
		resp.Items = append(resp.Items, costItem{Day: d.Day.Format(time.DateOnly), Key: d.Key, Currency: d.Currency,
			BilledCost: d.BilledCost, EffectiveCost: d.EffectiveCost})
		t := totals[d.Currency]
		if t == nil {
			t = &costTotals{Currency: d.Currency}
			totals[d.Currency] = t
			order = append(order, d.Currency)
		}
		t.BilledCost += d.BilledCost
		t.EffectiveCost += d.EffectiveCost
	}
	resp.Totals = make([]costTotals, 0, len(order))
	for _, cur := range order {
		resp.Totals = append(resp.Totals, *totals[cur])
	}
	if c.Query("format") == "csv" || strings.Contains(c.GetHeader("Accept"), "text/csv") {
		return writeCostsCSV(c, resp)
	}
	writeJSON(c, http.StatusOK, resp)
	return nil
}

func writeCostsCSV(c *gin.Context, resp costsResponse) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	key := resp.GroupBy
	if key == "" {
		key = "key"
	}
	_ = w.Write([]string{"day", key, "currency", "billed_cost", "effective_cost"})
	for _, it := range resp.Items {
		_ = w.Write([]string{it.Day, csvSafe(it.Key), it.Currency,
			strconv.FormatFloat(it.BilledCost, 'f', -1, 64), strconv.FormatFloat(it.EffectiveCost, 'f', -1, 64)})
	}
	w.Flush()
	if resp.NextOffset != nil {
		c.Header("X-Next-Offset", strconv.Itoa(*resp.NextOffset))
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	return nil
}

// csvSafe keeps a spreadsheet from reading a value as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// costPeriods reads from and to as a Period, and the one of equal length before it.
func costPeriods(c *gin.Context) (cur, prev finops.Period, err error) {
	from, to, err := costRange(c)
	if err != nil {
		return cur, prev, err
	}
	cur = finops.Period{From: from, To: to}
	prev = finops.Period{From: from.Add(-to.Sub(from)), To: from}
	return cur, prev, nil
}

// getCostMovers serves GET /api/v1/costs/movers?by=&filter=&from=&to=&n=: the keys whose
// EffectiveCost changed most against the period of equal length before from.
func (s *Server) getCostMovers(c *gin.Context) error {
	if s.deps.FinOps == nil {
		return finopsOff()
	}
	q, err := costQuery(c)
	if err != nil {
		return err
	}
	cur, prev, err := costPeriods(c)
	if err != nil {
		return err
	}
	by := c.DefaultQuery("by", "resource")
	n := 10
	if v := c.Query("n"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 100 {
			return inputErrorf("n %.20q: want a number from 1 to 100", v)
		}
	}
	ms, err := s.deps.FinOps.Movers(c.Request.Context(), q.Filter, by, cur, prev, n)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, gin.H{"by": by, "period": cur, "previous": prev, "movers": nonNil(ms)})
	return nil
}

// getShowback serves GET /api/v1/costs/showback?owner=&from=&to=: a team's costs by
// service and entity against the previous period, with the top movers.
func (s *Server) getShowback(c *gin.Context) error {
	if s.deps.FinOps == nil {
		return finopsOff()
	}
	owner := c.Query("owner")
	if owner == "" || len(owner) > 512 {
		return inputErrorf("owner: name the team, e.g. owner=group:default/payments")
	}
	cur, _, err := costPeriods(c)
	if err != nil {
		return err
	}
	sb, err := s.deps.FinOps.Showback(c.Request.Context(), owner, cur)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, sb)
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
