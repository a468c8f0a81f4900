package main

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestCommandSettings fails when a command names a setting or group that does not exist,
// and checks that every setting belongs to a group some command takes.
func TestCommandSettings(t *testing.T) {
	cfg := defaultConfig()
	taken := map[string]bool{}
	for cmd, names := range commandSettings {
		got, err := cfg.settingsNamed(names)
		if err != nil {
			t.Errorf("command %s: %v", cmd, err)
		}
		for _, s := range got {
			taken[s.flag] = true
		}
	}
	for _, s := range cfg.settings() {
		if s.group == "" {
			t.Errorf("setting %s has no group", s.flag)
		}
		if !taken[s.flag] {
			t.Errorf("setting %s is taken by no command", s.flag)
		}
	}
	// The check itself: an unknown name is an error, and newFlagSet refuses it.
	if _, err := cfg.settingsNamed([]string{groupStore, "no-such-setting"}); err == nil || !strings.Contains(err.Error(), "no-such-setting") {
		t.Errorf("settingsNamed(unknown) = %v, want an error naming it", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("newFlagSet with an unknown setting did not panic")
		}
	}()
	cfg.newFlagSet("x", "x", &strings.Builder{}, func(string) string { return "" }, "no-such-setting")
}

// TestCommandsDeclareSettings: every command that reads settings is in commandSettings.
func TestCommandsDeclareSettings(t *testing.T) {
	for _, c := range commands() {
		if c.name == "version" {
			continue
		}
		// A command with subcommands (eval, metrics) declares them as "name sub".
		declared := slices.ContainsFunc(slices.Collect(maps.Keys(commandSettings)), func(k string) bool {
			return k == c.name || strings.HasPrefix(k, c.name+" ")
		})
		if !declared {
			t.Errorf("command %s declares no settings in commandSettings", c.name)
		}
	}
	if !slices.Contains(commandSettings["serve"], groupServer) {
		t.Error("serve does not take the server group")
	}
}

func TestRedactedURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"postgres://portal@db:5432/portal", "postgres://portal@db:5432/portal"},
		{"postgres://portal:s3cret@db:5432/portal?sslmode=disable", "postgres://portal:xxxxx@db:5432/portal?sslmode=disable"},
		{"postgres://portal@db/portal?password=s3cret&sslmode=disable", "postgres://portal@db/portal?password=xxxxx&sslmode=disable"},
		{"postgres://db/portal?sslpassword=s3cret&user=portal", "postgres://db/portal?sslpassword=xxxxx&user=portal"},
		{"postgres://u:p%40ss@db/portal?password=s3cret", "postgres://u:xxxxx@db/portal?password=xxxxx"},
		{"postgres://db/%zz?password=s3cret", "(unparseable URL)"},
	}
	for _, tt := range tests {
		got := redactedURL(tt.in)
		if got != tt.want {
			t.Errorf("redactedURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "s3cret") || strings.Contains(got, "p%40ss") {
			t.Errorf("redactedURL(%q) = %q shows the password", tt.in, got)
		}
	}
}
