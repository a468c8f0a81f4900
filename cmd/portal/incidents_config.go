package main

import (
	"errors"
	"fmt"
	"path/filepath"
)

// validateIncidents checks the incidents group of settings and makes the postmortem
// folders absolute.
func (c *Config) validateIncidents() []error {
	var errs []error
	if c.IncidentGroupWindow <= 0 || c.IncidentQuietPeriod <= 0 {
		errs = append(errs, errors.New("incident group window and quiet period: must be positive"))
	}
	for i, d := range c.PostmortemDirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("postmortem dir %q: %w", d, err))
			continue
		}
		c.PostmortemDirs[i] = abs
	}
	return errs
}
