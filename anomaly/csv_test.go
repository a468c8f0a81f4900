package anomaly_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly"
)

func TestReadCSV(t *testing.T) {
	in := `timestamp,value
2014-04-01 00:00:00,10
2014-04-01 00:05:00,11.5
2014-04-01 00:05:00,12
2014-04-01 00:01:00,13
2014-04-01 00:10:00,NaN
2014-04-01 00:10:00,+Inf
yesterday,1
2014-04-01 00:10:00,lots
2014-04-01 00:10:00
2014-04-01T00:15:00Z,14
1396311600,15
`
	pts, problems, err := anomaly.ReadCSV(strings.NewReader(in), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 4 || pts[2].V != 14 || pts[3].V != 15 || !pts[3].T.Equal(time.Date(2014, 4, 1, 0, 20, 0, 0, time.UTC)) {
		t.Errorf("points = %+v", pts)
	}
	want := []struct {
		line   int
		reason string
	}{{4, "duplicate"}, {5, "late or out of order"}, {6, "finite"}, {7, "finite"}, {8, "timestamp"}, {9, "not a number"}, {10, "columns"}}
	if len(problems) != len(want) {
		t.Fatalf("problems = %v, want %d", problems, len(want))
	}
	for i, w := range want {
		if problems[i].Line != w.line || !strings.Contains(problems[i].Reason, w.reason) {
			t.Errorf("problem %d = %v, want line %d with %q", i, problems[i], w.line, w.reason)
		}
	}
	// Rows at or before the series' last stored point are late.
	_, problems, _ = anomaly.ReadCSV(strings.NewReader("2014-04-01 00:00:00,1\n"), time.Date(2014, 4, 1, 0, 0, 0, 0, time.UTC))
	if len(problems) != 1 || !strings.Contains(problems[0].Reason, "duplicate") {
		t.Errorf("row at the last stored point: %v", problems)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("timestamp,value\n2014-04-01 00:00:00,10\n")
	f.Add("1,2\n1,3\n0,1\n\"x,1\n")
	f.Fuzz(func(t *testing.T, in string) {
		pts, _, err := anomaly.ReadCSV(strings.NewReader(in), time.Time{})
		if err != nil {
			return
		}
		for i := 1; i < len(pts); i++ {
			if !pts[i].T.After(pts[i-1].T) {
				t.Fatalf("points out of order at %d: %v", i, pts)
			}
		}
		if err := anomaly.ValidatePoints("s", time.Time{}, pts); len(pts) > 0 && len(pts) <= anomaly.MaxPointsPerWrite && err != nil {
			t.Fatalf("ReadCSV accepted points ValidatePoints refuses: %v", err)
		}
	})
}
