package main

import (
	"errors"
	"net/url"
)

// validateAlerts checks the alerts group of settings.
func (c *Config) validateAlerts() []error {
	var errs []error
	for name, u := range map[string]string{"alerts slack webhook url": string(c.AlertsSlackWebhookURL), "alerts webhook url": c.AlertsWebhookURL} {
		if p, err := url.Parse(u); u != "" && (err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "") {
			errs = append(errs, errors.New(name+": want http://… or https://…"))
		}
	}
	if c.AlertsWebhookSecret != "" && c.AlertsWebhookURL == "" {
		errs = append(errs, errors.New("alerts webhook secret: set without an alerts webhook url"))
	}
	if c.AlertsRetries < 1 || c.AlertsRetries > 20 {
		errs = append(errs, errors.New("alerts retries: want 1 to 20 tries"))
	}
	if c.AlertsBackoff <= 0 || c.AlertsInterval <= 0 {
		errs = append(errs, errors.New("alerts backoff and interval: must be positive"))
	}
	return errs
}
