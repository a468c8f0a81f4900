package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Deliver claims the deliveries due now (at most Batch), sends them and records each
// outcome, and returns how many it sent. A delivery whose send fails is retried after a
// backoff, or is dead once it has had MaxAttempts tries. When ctx ends during a send the
// lease is released without counting the try.
func (o *Outbox) Deliver(ctx context.Context) (int, error) {
	token, err := newToken()
	if err != nil {
		return 0, err
	}
	now := o.o.Now().UTC()
	ds, err := o.store.ClaimDeliveries(ctx, token, now, now.Add(o.o.Lease), o.o.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim deliveries: %w", err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sent int
		errs []error
		sem  = make(chan struct{}, o.o.Concurrency)
	)
	for _, d := range ds {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ok, err := o.deliverOne(ctx, token, d)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				sent++
			}
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return sent, errors.Join(errs...)
}

// deliverOne sends one claimed delivery and records the outcome under token's lease.
func (o *Outbox) deliverOne(ctx context.Context, token string, d Delivery) (bool, error) {
	// The outcome must be recorded even when ctx ends right after the send.
	bg := context.WithoutCancel(ctx)
	sendErr := o.send(ctx, d)
	if sendErr != nil && ctx.Err() != nil {
		if err := o.store.ReleaseDelivery(bg, token, d.ID); err != nil {
			return false, fmt.Errorf("release delivery %d: %w", d.ID, err)
		}
		return false, nil
	}
	now := o.o.Now().UTC()
	out := Outcome{ID: d.ID, State: Sent, Attempts: d.Attempts + 1, NextAt: d.NextAt, At: now}
	if sendErr != nil {
		out.Error = truncate(sendErr.Error(), 500)
		if out.Attempts >= o.o.MaxAttempts {
			out.State = Dead
			o.log.Warn("delivery dead", "delivery_id", d.ID, "key", d.Key, "channel", d.Channel, "attempts", out.Attempts, "error", sendErr)
		} else {
			out.State = Pending
			out.NextAt = now.Add(o.backoff(out.Attempts))
			o.log.Info("delivery failed, will retry", "delivery_id", d.ID, "key", d.Key, "channel", d.Channel,
				"attempts", out.Attempts, "next_at", out.NextAt, "error", sendErr)
		}
	}
	if err := o.store.FinishDelivery(bg, token, out); err != nil {
		return false, fmt.Errorf("record delivery %d: %w", d.ID, err)
	}
	return out.State == Sent, nil
}

// Run calls Deliver every interval until ctx ends, logging failures.
func (o *Outbox) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		// Drain a backlog batch after batch before waiting again.
		for {
			n, err := o.Deliver(ctx)
			if err != nil && ctx.Err() == nil {
				o.log.Warn("deliver notifications failed", "error", err)
			}
			if n < o.o.Batch || err != nil || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// newToken returns a random lease token.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("lease token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
