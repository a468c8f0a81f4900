package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nextportal/portal/anomaly"
)

// validateAnomaly checks the anomaly group of settings.
func (c *Config) validateAnomaly() []error {
	var errs []error
	if !anomaly.Known(c.AnomalyDetector) {
		errs = append(errs, fmt.Errorf("anomaly detector %q: want one of %s", c.AnomalyDetector, strings.Join(anomaly.Names(), ", ")))
	}
	if c.MetricsRetention < 0 {
		errs = append(errs, errors.New("metrics retention: must not be negative"))
	}
	if c.PrometheusURL != "" && !strings.HasPrefix(c.PrometheusURL, "http://") && !strings.HasPrefix(c.PrometheusURL, "https://") {
		errs = append(errs, fmt.Errorf("prometheus url %q: want http://… or https://…", c.PrometheusURL))
	}
	if _, err := anomaly.ParsePromQueries(c.PrometheusQueries); err != nil {
		errs = append(errs, err)
	}
	if c.PrometheusInterval <= 0 || c.PrometheusStep <= 0 || c.PrometheusLookback <= 0 {
		errs = append(errs, errors.New("prometheus interval, step and lookback: must be positive"))
	}
	return errs
}
