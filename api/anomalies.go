package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/catalog"
)

// anomaliesResponse is GET /api/v1/anomalies's answer.
type anomaliesResponse struct {
	Anomalies []anomaly.Anomaly `json:"anomalies"`
}

// maxAnomalies bounds one answer of GET /api/v1/anomalies.
const maxAnomalies = 1000

// getAnomalies serves GET /api/v1/anomalies?entity=&series=&from=&to=&limit=: recorded
// anomalies, oldest first, from and to in RFC 3339 (from inclusive, to exclusive).
func (s *Server) getAnomalies(c *gin.Context) error {
	if s.deps.Anomaly == nil {
		return anomalyOff()
	}
	q := anomaly.AnomalyQuery{Entity: c.Query("entity"), Series: c.Query("series"), Limit: maxAnomalies}
	if len(q.Entity) > anomaly.MaxLabelLen || len(q.Series) > anomaly.MaxNameLen {
		return inputErrorf("entity or series: longer than %d bytes", anomaly.MaxLabelLen)
	}
	var err error
	if q.From, q.To, err = timeRange(c); err != nil {
		return err
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAnomalies {
			return inputErrorf("limit %q: want a number from 1 to %d", v, maxAnomalies)
		}
		q.Limit = n
	}
	ctx := c.Request.Context()
	list, err := s.deps.Anomaly.Anomalies(ctx, q)
	if err != nil {
		return err
	}
	seen := catalog.NewVisibleRefs(s.catalog, "")
	out := make([]anomaly.Anomaly, 0, len(list))
	for _, a := range list {
		ok, err := seen.Visible(ctx, a.Entity)
		if err != nil {
			return err
		}
		if ok {
			out = append(out, a)
		}
	}
	writeJSON(c, http.StatusOK, anomaliesResponse{Anomalies: out})
	return nil
}

// timeRange reads the from and to query parameters (RFC 3339, both optional).
func timeRange(c *gin.Context) (from, to time.Time, err error) {
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		v := c.Query(p.name)
		if v == "" {
			continue
		}
		t, perr := time.Parse(time.RFC3339Nano, v)
		if perr != nil {
			return from, to, inputErrorf("%s %.40q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", p.name, v)
		}
		*p.dst = t
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return from, to, inputErrorf("to must be after from")
	}
	return from, to, nil
}

// maxChartPoints bounds how many points one chart draws.
const maxChartPoints = 20000

// getMetricsChart serves GET /api/v1/metrics/{series}/chart.svg and chart.png?from=&to=: the
// series drawn with its anomalies marked.
func (s *Server) getMetricsChart(c *gin.Context) error {
	if s.deps.Anomaly == nil {
		return anomalyOff()
	}
	format, ok := strings.CutPrefix(c.Param("chart"), "chart.")
	if !ok || (format != anomaly.ChartSVG && format != anomaly.ChartPNG) {
		return notFoundf("no such chart %q: want chart.svg or chart.png", c.Param("chart"))
	}
	from, to, err := timeRange(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	ser, pts, err := s.deps.Anomaly.Points(ctx, c.Param("series"), from, to, maxChartPoints)
	if err != nil {
		return err
	}
	if ok, err := catalog.NewVisibleRefs(s.catalog, "").Visible(ctx, ser.Entity); err != nil {
		return err
	} else if !ok {
		return notFoundf("series %s", ser.Name)
	}
	marks, err := s.deps.Anomaly.Anomalies(ctx, anomaly.AnomalyQuery{Series: ser.Name, From: from, To: to, Limit: maxAnomalies})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := anomaly.WriteChart(&buf, format, ser, pts, marks); err != nil {
		return err
	}
	c.Data(http.StatusOK, map[string]string{anomaly.ChartSVG: "image/svg+xml", anomaly.ChartPNG: "image/png"}[format], buf.Bytes())
	return nil
}
