package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// defaultEmbedModel is the embedding model asked of an OpenAI-compatible server when
// PORTAL_EMBED_MODEL is unset.
const defaultEmbedModel = "text-embedding-3-small"

// probeTimeout bounds the check that a configured embeddings endpoint answers at start.
const probeTimeout = 15 * time.Second

// openIndexer opens the search index over db: bleve under the data dir, vectors in
// PostgreSQL or in process, and the configured embedder or the local one. With writeOnly,
// a bleve index held by a running server is left to it: the Service then only indexes into
// the database, and the server applies the changes.
func openIndexer(ctx context.Context, cfg *Config, db *store.DB, logger *slog.Logger, writeOnly bool) (*indexer.Service, error) {
	emb, err := configuredEmbedder(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	ix, err := indexer.Open(ctx, indexer.Options{
		Store:    db,
		Vectors:  db.VectorIndex(),
		BleveDir: filepath.Join(cfg.DataDir, "bleve"),
		Embedder: emb,
		Fusion:   cfg.SearchFusion,
		Logger:   logger,

		WriteOnlyWhenLocked: writeOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("open search index: %w", err)
	}
	return ix, nil
}

// configuredEmbedder returns the OpenAI-compatible embedder when OPENAI_BASE_URL is set and
// the endpoint answers, and nil (the local embedder) otherwise. An endpoint that is down at
// start is not fatal: the portal works offline and says so.
func configuredEmbedder(ctx context.Context, cfg *Config, logger *slog.Logger) (indexer.Embedder, error) {
	if cfg.OpenAIBaseURL == "" {
		return nil, nil
	}
	model := cfg.EmbedModel
	if model == "" {
		model = defaultEmbedModel
	}
	e, err := assistant.NewOpenAIEmbedder(assistant.OpenAIConfig{
		BaseURL: cfg.OpenAIBaseURL, APIKey: string(cfg.OpenAIAPIKey), EmbedModel: model, EmbedDims: int(cfg.EmbedDims),
	})
	if err != nil {
		return nil, fmt.Errorf("embedder: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	if err := e.Probe(pctx); err != nil {
		logger.Warn("embeddings endpoint unavailable; using the offline local embedder instead",
			"base_url", cfg.OpenAIBaseURL, "model", model, "error", err)
		return nil, nil
	}
	logger.Info("using embeddings endpoint", "base_url", cfg.OpenAIBaseURL, "model", e.Model())
	return e, nil
}

// searchSources are the sources the portal indexes: the catalog, the entities' TechDocs
// folders and the configured docs folders.
func searchSources(cfg *Config, cat *catalog.Service, roots []string) []indexer.Source {
	srcs := []indexer.Source{indexer.NewCatalogSource(cat), indexer.NewTechDocsSource(cat, roots)}
	for _, d := range cfg.DocsDirs {
		srcs = append(srcs, indexer.NewDirSource(filepath.Base(d), d))
	}
	return srcs
}
