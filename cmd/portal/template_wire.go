package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nextportal/portal/scaffolder"
)

// scaffolderDirs are the scaffolder's folders: per-task workspaces and the repositories
// publish:git creates (their checkouts, under checkouts/, are a catalog file root so
// catalog:register can register what a template published).
func (c *Config) scaffolderDirs() (work, repos string) {
	repos = c.ScaffolderReposDir
	if repos == "" {
		repos = filepath.Join(c.DataDir, "scaffolder", "repos")
	}
	return filepath.Join(c.DataDir, "scaffolder", "work"), repos
}

// catalogRoots are the catalog's file location roots: the configured ones and the
// checkouts of the repositories templates publish.
func (c *Config) catalogRoots() []string {
	_, repos := c.scaffolderDirs()
	return append(append([]string{}, c.FileLocationRoots...), filepath.Join(repos, "checkouts"))
}

// scaffolderActionMap parses PORTAL_SCAFFOLDER_ACTION_MAP (FROM=publish:git entries).
func (c *Config) scaffolderActionMap() (map[string]string, error) {
	out := map[string]string{}
	for _, e := range c.ScaffolderActionMap {
		from, to, ok := strings.Cut(strings.TrimSpace(e), "=")
		if !ok || from == "" || to != "publish:git" {
			return nil, fmt.Errorf("scaffolder action map entry %q: want ACTION=publish:git", e)
		}
		out[from] = to
	}
	return out, nil
}

// scaffolder builds the template service over the app's database and catalog.
func (a *app) scaffolder() (*scaffolder.Service, error) {
	aliases, err := a.cfg.scaffolderActionMap()
	if err != nil {
		return nil, err
	}
	authSvc, err := a.authService()
	if err != nil {
		return nil, err
	}
	work, repos := a.cfg.scaffolderDirs()
	svc, err := scaffolder.NewService(a.db, a.catalog, scaffolder.Config{
		WorkDir: work, ReposDir: repos, FileRoots: a.cfg.FileLocationRoots, ActionAliases: aliases,
		Workers: int(a.cfg.ScaffolderWorkers), Logger: a.logger, Audit: authSvc.Record})
	if err != nil {
		return nil, fmt.Errorf("scaffolder: %w", err)
	}
	return svc, nil
}
