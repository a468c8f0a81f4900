package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/internal/notify"
)

// Notify runs the notify.Store contract against stores from newStore, which must return an
// empty, migrated store for each call.
func Notify(t *testing.T, newStore func(t *testing.T) notify.Store) {
	t.Run("EnqueueOncePerKey", func(t *testing.T) { testEnqueueOnce(t, newStore(t)) })
	t.Run("ClaimLeases", func(t *testing.T) { testClaimLeases(t, newStore(t)) })
	t.Run("FinishNeedsTheLease", func(t *testing.T) { testFinishLease(t, newStore(t)) })
	t.Run("ListAndResend", func(t *testing.T) { testListResend(t, newStore(t)) })
	t.Run("ClaimConcurrent", func(t *testing.T) { testClaimConcurrent(t, newStore(t)) })
}

var notifyT0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func notifyDelivery(key, channel string) notify.Delivery {
	return notify.Delivery{Key: key, Channel: channel, NextAt: notifyT0, CreatedAt: notifyT0,
		Message: notify.Message{Key: key, Kind: "alert", Severity: "high", Title: "title " + key,
			Fields: []notify.Field{{Name: "owner", Value: "group:default/payments"}}, Links: []notify.Link{{Title: "chart", URL: "http://x/c"}}}}
}

func mustEnqueueDeliveries(t *testing.T, s notify.Store, ds ...notify.Delivery) int {
	t.Helper()
	n, err := s.EnqueueDeliveries(t.Context(), ds)
	if err != nil {
		t.Fatalf("EnqueueDeliveries: %v", err)
	}
	return n
}

func testEnqueueOnce(t *testing.T, s notify.Store) {
	if n := mustEnqueueDeliveries(t, s, notifyDelivery("a", "slack"), notifyDelivery("a", "webhook")); n != 2 {
		t.Errorf("first enqueue stored %d, want 2", n)
	}
	if n := mustEnqueueDeliveries(t, s, notifyDelivery("a", "slack"), notifyDelivery("b", "slack")); n != 1 {
		t.Errorf("second enqueue stored %d, want 1 (a/slack exists)", n)
	}
	all, err := s.Deliveries(t.Context(), notify.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("Deliveries = %d rows, want 3", len(all))
	}
	d := all[len(all)-1]
	if d.Key != "a" || d.Channel != "slack" || d.State != notify.Pending || d.Attempts != 0 || !d.NextAt.Equal(notifyT0) ||
		d.Message.Title != "title a" || len(d.Message.Fields) != 1 || d.Message.Links[0].URL != "http://x/c" {
		t.Errorf("oldest delivery = %+v", d)
	}
}

func testClaimLeases(t *testing.T, s notify.Store) {
	ctx := t.Context()
	early := notifyDelivery("later", "slack")
	early.NextAt = notifyT0.Add(time.Hour)
	mustEnqueueDeliveries(t, s, notifyDelivery("now", "slack"), early)
	got, err := s.ClaimDeliveries(ctx, "w1", notifyT0, notifyT0.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != "now" {
		t.Fatalf("claim = %+v, want only the due delivery", got)
	}
	again, err := s.ClaimDeliveries(ctx, "w2", notifyT0.Add(30*time.Second), notifyT0.Add(2*time.Minute), 10)
	if err != nil || len(again) != 0 {
		t.Fatalf("claim during the lease = %v, %v; want none", again, err)
	}
	// The lease lapses (its holder died): another worker takes the delivery over.
	over, err := s.ClaimDeliveries(ctx, "w3", notifyT0.Add(time.Minute), notifyT0.Add(3*time.Minute), 10)
	if err != nil || len(over) != 1 || over[0].Key != "now" {
		t.Fatalf("claim after the lease = %v, %v; want the delivery", over, err)
	}
	if _, err := s.ClaimDeliveries(ctx, "", notifyT0, notifyT0, 1); !errors.Is(err, notify.ErrInvalid) {
		t.Errorf("claim without token: %v, want ErrInvalid", err)
	}
}

func testFinishLease(t *testing.T, s notify.Store) {
	ctx := t.Context()
	mustEnqueueDeliveries(t, s, notifyDelivery("k", "webhook"))
	got, err := s.ClaimDeliveries(ctx, "w1", notifyT0, notifyT0.Add(time.Minute), 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("claim = %v, %v", got, err)
	}
	id := got[0].ID
	retry := notify.Outcome{ID: id, State: notify.Pending, Attempts: 1, NextAt: notifyT0.Add(10 * time.Second), Error: "status 500", At: notifyT0}
	if err := s.FinishDelivery(ctx, "other", retry); !errors.Is(err, notify.ErrConflict) {
		t.Errorf("finish with another token: %v, want ErrConflict", err)
	}
	if err := s.FinishDelivery(ctx, "w1", retry); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishDelivery(ctx, "w1", retry); !errors.Is(err, notify.ErrConflict) {
		t.Errorf("finish twice: %v, want ErrConflict (the lease was released)", err)
	}
	if got, _ := s.ClaimDeliveries(ctx, "w2", notifyT0.Add(5*time.Second), notifyT0.Add(time.Minute), 1); len(got) != 0 {
		t.Errorf("claimed before its retry time: %+v", got)
	}
	got, err = s.ClaimDeliveries(ctx, "w2", notifyT0.Add(10*time.Second), notifyT0.Add(time.Minute), 1)
	if err != nil || len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "status 500" {
		t.Fatalf("claim at retry time = %+v, %v", got, err)
	}
	sentAt := notifyT0.Add(11 * time.Second)
	if err := s.FinishDelivery(ctx, "w2", notify.Outcome{ID: id, State: notify.Sent, Attempts: 2, NextAt: got[0].NextAt, At: sentAt}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Delivery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != notify.Sent || d.Attempts != 2 || !d.SentAt.Equal(sentAt) {
		t.Errorf("after sending: %+v", d)
	}
	if got, _ := s.ClaimDeliveries(ctx, "w3", notifyT0.Add(time.Hour), notifyT0.Add(2*time.Hour), 5); len(got) != 0 {
		t.Errorf("a sent delivery was claimed again: %+v", got)
	}
	if _, err := s.Delivery(ctx, id+1000); !errors.Is(err, notify.ErrNotFound) {
		t.Errorf("Delivery(unknown): %v, want ErrNotFound", err)
	}
}

func testListResend(t *testing.T, s notify.Store) {
	ctx := t.Context()
	for i := range 5 {
		mustEnqueueDeliveries(t, s, notifyDelivery(fmt.Sprintf("k%d", i), "slack"))
	}
	got, err := s.ClaimDeliveries(ctx, "w", notifyT0, notifyT0.Add(time.Minute), 2)
	if err != nil || len(got) != 2 {
		t.Fatalf("claim = %v, %v", got, err)
	}
	dead := got[0].ID
	if err := s.FinishDelivery(ctx, "w", notify.Outcome{ID: dead, State: notify.Dead, Attempts: 5, NextAt: notifyT0, Error: "gone", At: notifyT0}); err != nil {
		t.Fatal(err)
	}
	deads, err := s.Deliveries(ctx, notify.DeliveryQuery{State: notify.Dead})
	if err != nil || len(deads) != 1 || deads[0].ID != dead || deads[0].LastError != "gone" {
		t.Fatalf("dead deliveries = %+v, %v", deads, err)
	}
	page, err := s.Deliveries(ctx, notify.DeliveryQuery{Limit: 2})
	if err != nil || len(page) != 2 || page[0].ID <= page[1].ID {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	next, err := s.Deliveries(ctx, notify.DeliveryQuery{Limit: 10, Before: page[1].ID})
	if err != nil || len(next) != 3 || next[0].ID >= page[1].ID {
		t.Fatalf("second page = %+v, %v", next, err)
	}
	if byKey, _ := s.Deliveries(ctx, notify.DeliveryQuery{Key: "k3"}); len(byKey) != 1 || byKey[0].Key != "k3" {
		t.Errorf("by key = %+v", byKey)
	}
	if _, err := s.ResendDelivery(ctx, next[len(next)-1].ID+100, notifyT0); !errors.Is(err, notify.ErrNotFound) {
		t.Errorf("resend unknown: %v, want ErrNotFound", err)
	}
	if _, err := s.ResendDelivery(ctx, got[1].ID, notifyT0); !errors.Is(err, notify.ErrConflict) {
		t.Errorf("resend pending: %v, want ErrConflict", err)
	}
	later := notifyT0.Add(time.Hour)
	d, err := s.ResendDelivery(ctx, dead, later)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != notify.Pending || d.Attempts != 0 || !d.NextAt.Equal(later) || d.LastError != "" {
		t.Errorf("resent = %+v", d)
	}
	again, err := s.ClaimDeliveries(ctx, "w2", later, later.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range again {
		found = found || g.ID == dead
	}
	if !found {
		t.Errorf("the resent delivery was not claimable: %+v", again)
	}
}

func testClaimConcurrent(t *testing.T, s notify.Store) {
	const n = 40
	ds := make([]notify.Delivery, n)
	for i := range ds {
		ds[i] = notifyDelivery(fmt.Sprintf("c%d", i), "slack")
	}
	mustEnqueueDeliveries(t, s, ds...)
	var (
		mu   sync.Mutex
		seen = map[int64]string{}
		wg   sync.WaitGroup
	)
	for w := range 4 {
		token := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				got, err := s.ClaimDeliveries(t.Context(), token, notifyT0, notifyT0.Add(time.Minute), 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					if prev, dup := seen[d.ID]; dup {
						t.Errorf("delivery %d claimed by %s and %s", d.ID, prev, token)
					}
					seen[d.ID] = token
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("claimed %d deliveries, want %d", len(seen), n)
	}
}
