package main

import (
	"context"
	"fmt"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/finops"
)

// finopsService is the FinOps service over the database, allocating by the configured tag
// rules against the catalog.
func (a *app) finopsService() (*finops.Service, error) {
	rules, err := finops.ParseRules(a.cfg.FinOpsTagRules)
	if err != nil {
		return nil, fmt.Errorf("finops: %w", err)
	}
	return finops.NewService(a.db, finops.ServiceOptions{Catalog: finops.CatalogOf(a.catalog), Rules: rules, Logger: a.logger}), nil
}

// startFinOps builds the FinOps service for serve and follows the catalog: when its version
// changes, every cost row is allocated again.
func (a *app) startFinOps() (*finops.Service, error) {
	svc, err := a.finopsService()
	if err != nil {
		return nil, err
	}
	if every := a.cfg.FinOpsReallocateInterval; every > 0 {
		a.goLoop(func(ctx context.Context) {
			svc.FollowCatalog(auth.NewContext(ctx, auth.System()), a.db.CatalogVersion, every)
		})
	}
	return svc, nil
}
