package main

import (
	"fmt"
	"log/slog"

	"github.com/nextportal/portal/assistant"
)

// assistantComposer returns the composer the assistant answers with: the offline local
// composer, or, when OPENAI_BASE_URL and PORTAL_CHAT_MODEL are both set, the
// OpenAI-compatible composer in front of it. Then the local composer answers, and the
// answer's notice says so, whenever the model cannot be reached or fails before it has
// written anything. It makes no request. Pass the result as assistant.Deps.Composer.
func assistantComposer(cfg *Config, logger *slog.Logger) (assistant.Composer, error) {
	local := assistant.NewLocalComposer()
	if cfg.OpenAIBaseURL == "" || cfg.ChatModel == "" {
		return local, nil
	}
	chat, err := assistant.NewOpenAIComposer(assistant.OpenAIComposerConfig{
		OpenAIConfig: assistant.OpenAIConfig{BaseURL: cfg.OpenAIBaseURL, APIKey: string(cfg.OpenAIAPIKey), Logger: logger},
		ChatModel:    cfg.ChatModel,
	})
	if err != nil {
		return nil, fmt.Errorf("assistant: %w", err)
	}
	logger.Info("the assistant answers with a chat model; the local composer stands in when it fails",
		"base_url", redactedURL(cfg.OpenAIBaseURL), "model", cfg.ChatModel)
	return assistant.NewFallback(chat, local, logger), nil
}
