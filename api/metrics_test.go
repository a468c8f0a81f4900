package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/store/storetest"
)

// newAnomalyService is an anomaly service on a database of its own.
func newAnomalyService(t *testing.T) *anomaly.Service {
	t.Helper()
	svc, err := anomaly.NewService(storetest.New(t), anomaly.ServiceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

var pushT0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// pushBody is a POST /api/v1/metrics body of points start..start+n-1, one a minute, with
// value f(i).
func pushBody(series string, start, n int, f func(i int) float64) string {
	return pushBodyFor(series, "component:default/open-svc", start, n, f)
}

// pushBodyFor is pushBody for a series tied to entity.
func pushBodyFor(series, entity string, start, n int, f func(i int) float64) string {
	pts := make([]string, n)
	for i := range n {
		pts[i] = fmt.Sprintf(`[%d, %g]`, pushT0.Add(time.Duration(start+i)*time.Minute).Unix(), f(start+i))
	}
	return fmt.Sprintf(`{"series":%q,"labels":{"entity":%q},"points":[%s]}`, series, entity, strings.Join(pts, ","))
}

// wave is a daily-looking signal with a little deterministic noise.
func wave(i int) float64 {
	return 100 + 10*math.Sin(float64(i)/30) + float64((i*7919)%13)/13
}

func TestMetricsBadInputChangesNothing(t *testing.T) {
	env := newAuthEnv(t, api.Deps{Anomaly: newAnomalyService(t)})
	if w := env.do("POST", "/api/v1/metrics", pushBody("cpu", 0, 20, wave)); w.Code != http.StatusOK {
		t.Fatalf("push: %d %s", w.Code, w.Body)
	}
	ts := func(i int) int64 { return pushT0.Add(time.Duration(i) * time.Minute).Unix() }
	cases := []struct {
		name, body, want string
	}{
		{"late point", fmt.Sprintf(`{"series":"cpu","points":[[%d, 1]]}`, ts(5)), "late or out of order"},
		{"duplicate of the last", fmt.Sprintf(`{"series":"cpu","points":[[%d, 1]]}`, ts(19)), "duplicate timestamp"},
		{"out of order", fmt.Sprintf(`{"series":"cpu","points":[[%d, 1],[%d, 2]]}`, ts(30), ts(25)), "late or out of order"},
		{"duplicate within", fmt.Sprintf(`{"series":"cpu","points":[[%d, 1],[%d, 2]]}`, ts(30), ts(30)), "duplicate timestamp"},
		{"NaN", fmt.Sprintf(`{"series":"cpu","points":[[%d, 1],[%d, "NaN"]]}`, ts(30), ts(31)), "not a finite number"},
		{"Inf", fmt.Sprintf(`{"series":"cpu","points":[[%d, "+Inf"]]}`, ts(30)), "not a finite number"},
		{"not a pair", `{"series":"cpu","points":[[1]]}`, "want [timestamp, value]"},
		{"bad timestamp", `{"series":"cpu","points":[["yesterday", 1]]}`, "timestamp"},
		{"bad value", fmt.Sprintf(`{"series":"cpu","points":[[%d, "many"]]}`, ts(30)), "value: want a number"},
		{"no points", `{"series":"cpu","points":[]}`, "no points"},
		{"bad series name", fmt.Sprintf(`{"series":"cpu load","points":[[%d, 1]]}`, ts(30)), "series name"},
		{"unknown field", `{"series":"cpu","points":[],"extra":1}`, "unknown field"},
		{"too many points", `{"series":"cpu","points":[` + strings.Repeat(`[1,1],`, anomaly.MaxPointsPerWrite) + `[1,1]]}`, "at most"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := env.do("POST", "/api/v1/metrics", tc.body)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tc.want) {
				t.Errorf("POST = %d %s, want 400 with %q", w.Code, w.Body, tc.want)
			}
			if !strings.Contains(w.Header().Get("Content-Type"), "json") {
				t.Errorf("Content-Type = %q, want a JSON problem", w.Header().Get("Content-Type"))
			}
			// The stored series is unchanged: its chart still draws 20 points and a push
			// of the next point still succeeds exactly once below.
		})
	}
	if w := env.do("POST", "/api/v1/metrics", pushBody("cpu", 20, 1, wave)); w.Code != http.StatusOK {
		t.Fatalf("push after refusals: %d %s", w.Code, w.Body)
	}
	for _, q := range []string{"from=yesterday", "to=2026-01-01T00:00:00Z&from=2026-02-01T00:00:00Z", "limit=0", "limit=100000"} {
		if w := env.do("GET", "/api/v1/anomalies?"+q, ""); w.Code != http.StatusBadRequest {
			t.Errorf("GET anomalies?%s = %d, want 400", q, w.Code)
		}
	}
	for path, want := range map[string]int{
		"/api/v1/metrics/nope/chart.svg": 404,
		"/api/v1/metrics/cpu/chart.gif":  404,
		"/api/v1/metrics/cpu/chart.svg":  200,
		"/api/v1/metrics/cpu/chart.png":  200,
	} {
		if w := env.do("GET", path, ""); w.Code != want {
			t.Errorf("GET %s = %d, want %d: %s", path, w.Code, want, w.Body)
		}
	}
}

// TestMetricsSpikeBecomesOneAnomaly pushes a calm series in chunks, then one spike: the
// server scores on arrival and records one anomaly, at the spike, for the series' entity.
func TestMetricsSpikeBecomesOneAnomaly(t *testing.T) {
	env := newAuthEnv(t, api.Deps{Anomaly: newAnomalyService(t)})
	const n, spike = 2000, 1700
	f := func(i int) float64 {
		if i == spike {
			return 400
		}
		return wave(i)
	}
	for start := 0; start < n; start += 500 {
		if w := env.doAs(asDeveloper, "POST", "/api/v1/metrics", pushBody("latency", start, 500, f)); w.Code != http.StatusOK {
			t.Fatalf("push %d: %d %s", start, w.Code, w.Body)
		}
	}
	var got struct{ Anomalies []anomaly.Anomaly }
	env.getJSON("/api/v1/anomalies?entity=component:default/open-svc", &got)
	if len(got.Anomalies) != 1 {
		t.Fatalf("anomalies = %+v, want one", got.Anomalies)
	}
	a := got.Anomalies[0]
	if want := pushT0.Add(spike * time.Minute); !a.At.Equal(want) || a.Series != "latency" || a.Value != 400 {
		t.Errorf("anomaly = %+v, want latency at %s", a, want)
	}
	env.getJSON("/api/v1/anomalies?entity=component:default/other", &got)
	if len(got.Anomalies) != 0 {
		t.Errorf("another entity's anomalies = %d, want 0", len(got.Anomalies))
	}
	w := env.do("GET", "/api/v1/metrics/latency/chart.svg?from="+pushT0.Format(time.RFC3339), "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<svg") || w.Header().Get("Content-Type") != "image/svg+xml" {
		t.Errorf("chart.svg = %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	w = env.do("GET", "/api/v1/metrics/latency/chart.png", "")
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "\x89PNG") {
		t.Errorf("chart.png = %d, not a PNG", w.Code)
	}
	var pushed struct{ Accepted int }
	if err := json.Unmarshal(env.do("POST", "/api/v1/metrics", pushBody("latency", n, 3, f)).Body.Bytes(), &pushed); err != nil || pushed.Accepted != 3 {
		t.Errorf("push answer = %+v, %v", pushed, err)
	}
}

// TestAnomaliesNeverLeak ties a series to a restricted entity: callers who may not see the
// entity get neither its anomalies nor its chart; the admin gets both.
func TestAnomaliesNeverLeak(t *testing.T) {
	env := newAuthEnv(t, api.Deps{Anomaly: newAnomalyService(t)})
	const n, spike = 1500, 1300
	f := func(i int) float64 {
		if i == spike {
			return 400
		}
		return wave(i)
	}
	if w := env.do("POST", "/api/v1/metrics", pushBodyFor("secret_latency", "component:default/secret-svc", 0, n, f)); w.Code != 200 {
		t.Fatalf("push: %d %s", w.Code, w.Body)
	}
	for _, tc := range []struct {
		who   string
		count int
		chart int
	}{{asViewer, 0, 404}, {asDeveloper, 0, 404}, {asAdmin, 1, 200}} {
		w := env.doAs(tc.who, "GET", "/api/v1/anomalies?series=secret_latency", "")
		var got struct{ Anomalies []anomaly.Anomaly }
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || len(got.Anomalies) != tc.count {
			t.Errorf("%s: anomalies = %d %s, want %d", tc.who, w.Code, w.Body, tc.count)
		}
		w = env.doAs(tc.who, "GET", "/api/v1/metrics/secret_latency/chart.svg", "")
		if w.Code != tc.chart || (tc.chart == 404 && strings.Contains(w.Body.String(), "secret-svc")) {
			t.Errorf("%s: chart = %d %s, want %d", tc.who, w.Code, w.Body, tc.chart)
		}
	}
}
