package main

import (
	"strings"
	"testing"
)

// TestValidateSlack checks the Slack settings go together and the URLs are absolute.
func TestValidateSlack(t *testing.T) {
	tests := []struct {
		name    string
		set     func(*Config)
		wantErr string
	}{
		{"slack off", func(*Config) {}, ""},
		{"slack on", func(c *Config) {
			c.SlackSigningSecret, c.SlackBotToken, c.PortalBaseURL = "s", "xoxb-1", "https://portal.example.com"
		}, ""},
		{"secret without token", func(c *Config) { c.SlackSigningSecret, c.PortalBaseURL = "s", "https://p.example" }, "go together"},
		{"token without secret", func(c *Config) { c.SlackBotToken = "xoxb-1" }, "go together"},
		{"no base url", func(c *Config) { c.SlackSigningSecret, c.SlackBotToken = "s", "xoxb-1" }, "PORTAL_BASE_URL"},
		{"base url not http", func(c *Config) { c.PortalBaseURL = "portal.example.com" }, "portal base url"},
		{"api url not http", func(c *Config) { c.SlackAPIURL = "slack.com/api" }, "slack api url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := defaultConfig()
			c.DataDir = t.TempDir()
			tt.set(&c)
			err := c.validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("validate = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("validate = %v, want an error naming %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "xoxb-1") {
				t.Errorf("the error names the bot token: %v", err)
			}
		})
	}
}
