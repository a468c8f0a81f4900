package main

import (
	"fmt"
	"log/slog"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/assistant/slack"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/store"
)

// newServeSlack builds the Slack bot when SLACK_SIGNING_SECRET is set, answering through
// chat as the portal user each Slack user's email maps to; nil when Slack is off. Its
// worker runs through app.goLoop (see serverDeps).
func newServeSlack(cfg *Config, chat *assistant.Service, people *auth.Service, db *store.DB, logger *slog.Logger) (*slack.Bot, error) {
	if cfg.SlackSigningSecret == "" {
		return nil, nil
	}
	bot, err := slack.New(slack.Config{SigningSecret: string(cfg.SlackSigningSecret), BotToken: string(cfg.SlackBotToken),
		APIURL: cfg.SlackAPIURL, BaseURL: cfg.PortalBaseURL, Logger: logger.With("component", "slack")}, chat, people, db)
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	logger.Info("slack bot ready", "api_url", cfg.SlackAPIURL)
	return bot, nil
}
