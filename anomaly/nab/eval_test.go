package nab_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/nab"
)

// TestEvalDetectors scores our detectors on the whole corpus; PORTAL_EVAL=1 turns it on
// (make eval), PORTAL_NAB_DETECTORS picks them (comma-separated).
func TestEvalDetectors(t *testing.T) {
	if os.Getenv("PORTAL_EVAL") == "" {
		t.Skip("set PORTAL_EVAL=1 to score the detectors on the whole NAB corpus")
	}
	c, _ := loadCorpus(t)
	names := anomaly.Names()
	if s := os.Getenv("PORTAL_NAB_DETECTORS"); s != "" {
		names = strings.Split(s, ",")
	}
	cfg := anomaly.DefaultConfig()
	if s := os.Getenv("PORTAL_NAB_CONFIG"); s != "" {
		if err := json.Unmarshal([]byte(s), &cfg); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		scores := c.Run(func() anomaly.Detector {
			d, err := anomaly.New(name, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, 2)
		res, err := c.Evaluate(scores, nab.Profiles())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			t.Logf("%-12s %-20s %7.2f  thr %.4f  tp %d fp %d", name, r.Profile, r.Score, r.Threshold, r.TP, r.FP)
		}
	}
}
