package main

import (
	"fmt"
	"log/slog"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// newServeAssistant builds the assistant the server answers chat with: the catalog and
// the search index the server serves, conversations in the portal database, and the
// composer the settings choose (local by default; see assistantComposer).
func newServeAssistant(cfg *Config, db *store.DB, cat *catalog.Service, ix *indexer.Service, logger *slog.Logger) (*assistant.Service, error) {
	composer, err := assistantComposer(cfg, logger)
	if err != nil {
		return nil, err
	}
	svc, err := assistant.New(assistant.Deps{Catalog: cat, Search: ix, Store: db, Composer: composer,
		Logger: logger.With("component", "assistant")})
	if err != nil {
		return nil, fmt.Errorf("assistant: %w", err)
	}
	logger.Info("assistant ready", "composer", composer.Name())
	return svc, nil
}
