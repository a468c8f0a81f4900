package api

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly"
)

// metricsPushRequest is POST /api/v1/metrics's body: one series and its new points, each
// [timestamp, value] with the timestamp in Unix seconds or RFC 3339 and the value a number
// (or a string holding one).
type metricsPushRequest struct {
	Series string            `json:"series"`
	Labels map[string]string `json:"labels"`
	Points []json.RawMessage `json:"points"`
}

// metricsPushResponse is what POST /api/v1/metrics answers.
type metricsPushResponse struct {
	Series   string `json:"series"`
	Accepted int    `json:"accepted"`
}

func anomalyOff() error {
	return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
		msg: "metrics and anomaly detection are not available on this server"}
}

// postMetrics serves POST /api/v1/metrics: it appends points to a series (created on first
// push) and scores them. Late, out-of-order, duplicate or non-finite points refuse the whole
// request with 400, and nothing is stored.
func (s *Server) postMetrics(c *gin.Context) error {
	if s.deps.Anomaly == nil {
		return anomalyOff()
	}
	var req metricsPushRequest
	if err := readJSON(c, &req, true); err != nil {
		return err
	}
	if len(req.Points) > anomaly.MaxPointsPerWrite {
		return inputErrorf("points: %d, at most %d per request", len(req.Points), anomaly.MaxPointsPerWrite)
	}
	pts := make([]anomaly.Point, len(req.Points))
	for i, raw := range req.Points {
		p, err := parsePoint(raw)
		if err != nil {
			return inputErrorf("points[%d]: %v", i, err)
		}
		pts[i] = p
	}
	series := anomaly.Series{Name: req.Series, Labels: req.Labels}
	if err := s.deps.Anomaly.Ingest(c.Request.Context(), series, pts); err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, metricsPushResponse{Series: req.Series, Accepted: len(pts)})
	return nil
}

type pointError string

func (e pointError) Error() string { return string(e) }

// parsePoint reads [timestamp, value].
func parsePoint(raw json.RawMessage) (anomaly.Point, error) {
	var pair []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&pair); err != nil || len(pair) != 2 {
		return anomaly.Point{}, pointError("want [timestamp, value]")
	}
	t, err := parseTimestamp(pair[0])
	if err != nil {
		return anomaly.Point{}, err
	}
	v, err := parseValue(pair[1])
	if err != nil {
		return anomaly.Point{}, err
	}
	return anomaly.Point{T: t, V: v}, nil
}

func parseTimestamp(raw json.RawMessage) (time.Time, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, pointError("timestamp: want Unix seconds or RFC 3339")
		}
		return t.UTC(), nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}, pointError("timestamp: want Unix seconds or RFC 3339")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC(), nil
}

func parseValue(raw json.RawMessage) (float64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, pointError("value: want a number")
	}
	return f, nil
}
