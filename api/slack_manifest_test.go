package api_test

import (
	"net/url"
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/api"
)

// TestSlackManifestMatchesRoutes checks the Slack app manifest an admin pastes: it parses,
// and its request URLs are the routes the server serves, with the scopes the bot needs.
func TestSlackManifestMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("../docs/slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			SlashCommands []struct{ Command, URL string } `yaml:"slash_commands"`
		}
		OAuthConfig struct {
			Scopes struct{ Bot []string }
		} `yaml:"oauth_config"`
		Settings struct {
			EventSubscriptions struct {
				RequestURL string   `yaml:"request_url"`
				BotEvents  []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				RequestURL string `yaml:"request_url"`
			}
		}
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("the manifest is not YAML: %v", err)
	}
	env := newTestEnv(t, api.Deps{})
	served := map[string]bool{}
	for _, r := range env.srv.Routes() {
		served[r.Method+" "+r.Path] = true
	}
	urls := []string{m.Settings.EventSubscriptions.RequestURL, m.Settings.Interactivity.RequestURL}
	for _, c := range m.Features.SlashCommands {
		urls = append(urls, c.URL)
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/portal" {
		t.Errorf("slash commands = %+v, want /portal", m.Features.SlashCommands)
	}
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil || !served["POST "+p.Path] {
			t.Errorf("manifest request URL %q is not a POST route of the server", u)
		}
	}
	for _, scope := range []string{"app_mentions:read", "chat:write", "commands", "im:history", "users:read", "users:read.email"} {
		if !slices.Contains(m.OAuthConfig.Scopes.Bot, scope) {
			t.Errorf("the manifest lacks bot scope %s", scope)
		}
	}
	for _, ev := range []string{"app_mention", "message.im"} {
		if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, ev) {
			t.Errorf("the manifest lacks bot event %s", ev)
		}
	}
}
