package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/finops"
)

// Budgets runs the finops.BudgetStore contract against stores from newStore, which must
// return an empty, migrated store for each call.
func Budgets(t *testing.T, newStore func(t *testing.T) finops.BudgetStore) {
	t.Run("CRUD", func(t *testing.T) { testBudgetsCRUD(t, newStore(t)) })
	t.Run("Conflicts", func(t *testing.T) { testBudgetsConflict(t, newStore(t)) })
}

var budgetT0 = time.Date(2026, 11, 30, 9, 15, 0, 123456000, time.UTC)

func testBudgetsCRUD(t *testing.T, s finops.BudgetStore) {
	ctx := t.Context()
	team := finops.Budget{ID: "b1", EntityRef: "group:default/payments-team", Amount: 9000.5, Currency: "USD", CreatedAt: budgetT0, UpdatedAt: budgetT0}
	dec := finops.Budget{ID: "b2", EntityRef: "group:default/payments-team", Month: "2026-12", Amount: 12000, Currency: "USD", CreatedAt: budgetT0, UpdatedAt: budgetT0}
	comp := finops.Budget{ID: "b3", EntityRef: "component:default/cart-service", Amount: 1500, Currency: "EUR", CreatedAt: budgetT0, UpdatedAt: budgetT0}
	for _, b := range []finops.Budget{dec, comp, team} {
		if err := s.CreateBudget(ctx, b); err != nil {
			t.Fatalf("CreateBudget(%s): %v", b.ID, err)
		}
	}
	got, err := s.Budget(ctx, "b2")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dec, got); diff != "" {
		t.Errorf("Budget(b2) (-want +got):\n%s", diff)
	}
	all, err := s.Budgets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]finops.Budget{comp, team, dec}, all); diff != "" {
		t.Errorf("Budgets(\"\") ordered by entity then month (-want +got):\n%s", diff)
	}
	mine, err := s.Budgets(ctx, "component:default/cart-service")
	if err != nil || len(mine) != 1 || mine[0].ID != "b3" {
		t.Errorf("Budgets(cart-service) = %v, %v", mine, err)
	}
	none, err := s.Budgets(ctx, "group:default/nobody")
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("Budgets(nobody) = %#v, %v; want an empty, non-nil list", none, err)
	}
	later := budgetT0.Add(time.Hour)
	comp.Amount, comp.Month, comp.Currency, comp.UpdatedAt = 1750.25, "2027-01", "USD", later
	if err := s.UpdateBudget(ctx, comp); err != nil {
		t.Fatal(err)
	}
	got, err = s.Budget(ctx, "b3")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(comp, got); diff != "" {
		t.Errorf("after UpdateBudget (-want +got):\n%s", diff)
	}
	if err := s.DeleteBudget(ctx, "b3"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Budget(ctx, "b3"); !errors.Is(err, finops.ErrNotFound) {
		t.Errorf("Budget(deleted) error = %v, want ErrNotFound", err)
	}
	if err := s.DeleteBudget(ctx, "b3"); !errors.Is(err, finops.ErrNotFound) {
		t.Errorf("DeleteBudget(deleted) error = %v, want ErrNotFound", err)
	}
	if err := s.UpdateBudget(ctx, comp); !errors.Is(err, finops.ErrNotFound) {
		t.Errorf("UpdateBudget(deleted) error = %v, want ErrNotFound", err)
	}
}

func testBudgetsConflict(t *testing.T, s finops.BudgetStore) {
	ctx := t.Context()
	a := finops.Budget{ID: "a", EntityRef: "system:default/payments", Amount: 1, Currency: "USD", CreatedAt: budgetT0, UpdatedAt: budgetT0}
	if err := s.CreateBudget(ctx, a); err != nil {
		t.Fatal(err)
	}
	dup := a
	dup.ID, dup.Amount = "b", 2
	if err := s.CreateBudget(ctx, dup); !errors.Is(err, finops.ErrConflict) {
		t.Errorf("second standing budget of one entity: error = %v, want ErrConflict", err)
	}
	other := a
	other.ID, other.Month = "c", "2026-12"
	if err := s.CreateBudget(ctx, other); err != nil {
		t.Fatalf("a month's budget beside the standing one: %v", err)
	}
	other.Month = ""
	if err := s.UpdateBudget(ctx, other); !errors.Is(err, finops.ErrConflict) {
		t.Errorf("update onto the standing month: error = %v, want ErrConflict", err)
	}
	all, err := s.Budgets(ctx, "system:default/payments")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Amount != 1 || all[1].Month != "2026-12" {
		t.Errorf("after failed writes: %+v; want both budgets unchanged", all)
	}
}
