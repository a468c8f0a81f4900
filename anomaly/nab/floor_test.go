package nab_test

import (
	"testing"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/nab"
)

// TestDetectorFloor runs the default detector, with the one global configuration, over a
// subset of NAB (three real-data categories, 20 files) and holds its standard score above a
// floor; make eval scores the whole corpus.
func TestDetectorFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 20 NAB files")
	}
	c, _ := loadCorpus(t)
	sub := c.Subset("realKnownCause/", "realAdExchange/", "realTraffic/")
	if len(sub.Files) != 20 {
		t.Fatalf("subset has %d files, want 20", len(sub.Files))
	}
	const floor = 60.0
	for _, name := range []string{"seasonal"} {
		scores := sub.Run(func() anomaly.Detector {
			d, err := anomaly.New(name, anomaly.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, 2)
		res, err := sub.Evaluate(scores, nab.Profiles()[:1])
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s on %d files: standard %.2f (threshold %.4f, %d TP rows, %d FP rows)", name, len(sub.Files), res[0].Score, res[0].Threshold, res[0].TP, res[0].FP)
		if res[0].Score < floor {
			t.Errorf("%s standard score on the subset = %.2f, below the floor %.0f", name, res[0].Score, floor)
		}
	}
}
