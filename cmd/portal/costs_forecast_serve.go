package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nextportal/portal/assistant"
	costskill "github.com/nextportal/portal/assistant/costs"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
)

// startCostForecasts builds budgets and recommendations over costs, loads the demo's cost
// history and budgets when the portal runs the demo and, when out is not nil and a check
// interval is set, starts the cost check (budget projections and daily spikes) that
// enqueues cost alerts on out.
func (a *app) startCostForecasts(ctx context.Context, costs *finops.Service, out finops.Enqueuer) (*finops.Budgets, *finops.Recommender, error) {
	budgets := finops.NewBudgets(a.db, costs, finops.BudgetOptions{Catalog: finops.CatalogOf(a.catalog)})
	advice := finops.NewRecommender(costs, finops.StatusesOf(a.catalog), nil)
	if a.cfg.Demo {
		rep, err := loadDemoCosts(ctx, costs, budgets, time.Now())
		if err != nil {
			return nil, nil, err
		}
		a.logger.Info("demo cost history loaded", "rows", rep.Accepted, "rejected", rep.Rejected)
	}
	if every := a.cfg.FinOpsCheckInterval; out != nil && every > 0 {
		al := finops.NewAlerter(costs, budgets, out, a.costAlertOptions())
		a.goLoop(func(ctx context.Context) { al.Run(auth.NewContext(ctx, auth.System()), every) })
	}
	return budgets, advice, nil
}

// costAlertOptions are the cost alerts' settings.
func (a *app) costAlertOptions() finops.AlertOptions {
	c := a.cfg
	return finops.AlertOptions{
		BudgetThreshold: float64(c.FinOpsBudgetAlertPercent) / 100,
		Spike:           finops.SpikeOptions{MinRise: float64(c.FinOpsSpikePercent) / 100, MinAmount: float64(c.FinOpsSpikeMinAmount)},
		BaseURL:         c.PortalBaseURL,
		Logger:          a.logger,
	}
}

// demoBudgets are the standing monthly budgets the demo starts with: the checkout team's is
// tight enough that its projection crosses it.
var demoBudgets = []finops.Budget{
	{EntityRef: "group:default/checkout-team", Amount: 11000, Currency: "USD"},
	{EntityRef: "group:default/payments-team", Amount: 30000, Currency: "USD"},
	{EntityRef: "group:default/fulfilment-team", Amount: 16000, Currency: "USD"},
	{EntityRef: "group:default/storefront-team", Amount: 18000, Currency: "USD"},
	{EntityRef: "component:default/checkout-service", Amount: 7000, Currency: "USD"},
}

// loadDemoCosts imports the demo organisation's year of daily cost history, ending
// yesterday, through costs (replacing an earlier load's billing periods), and adds the demo
// budgets that are not there yet.
func loadDemoCosts(ctx context.Context, costs *finops.Service, budgets *finops.Budgets, now time.Time) (finops.ImportReport, error) {
	var buf bytes.Buffer
	if _, err := demo.WriteCosts(&buf, demo.CostOptions{End: now, Seed: 1}); err != nil {
		return finops.ImportReport{}, fmt.Errorf("demo costs: %w", err)
	}
	rep, err := costs.Import(ctx, &buf, finops.ImportOptions{})
	if err != nil {
		return rep, fmt.Errorf("demo costs: %w", err)
	}
	for _, b := range demoBudgets {
		if _, err := budgets.Create(ctx, b); err != nil && !errors.Is(err, finops.ErrConflict) {
			return rep, fmt.Errorf("demo budget %s: %w", b.EntityRef, err)
		}
	}
	return rep, nil
}

// registerCostSkills gives the assistant svc the cost skills over the app's cost data.
func (a *app) registerCostSkills(svc *assistant.Service) error {
	costs, err := a.finopsService()
	if err != nil {
		return err
	}
	budgets := finops.NewBudgets(a.db, costs, finops.BudgetOptions{Catalog: finops.CatalogOf(a.catalog)})
	for _, sk := range costskill.Skills(budgets) {
		svc.Registry().Register(sk)
	}
	return nil
}
