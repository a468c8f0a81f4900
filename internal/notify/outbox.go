package notify

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Channel kinds.
const (
	// KindSlack is a Slack incoming webhook: the message goes as Block Kit.
	KindSlack = "slack"
	// KindWebhook is a generic JSON webhook: the body is signed with Secret (see Sign).
	KindWebhook = "webhook"
)

// Channel is one place deliveries go.
type Channel struct {
	// Name identifies the channel in deliveries and in Message.Channels ("slack", "webhook").
	Name string
	// Kind is KindSlack or KindWebhook.
	Kind string
	URL  string
	// Secret signs generic webhook bodies; empty sends them unsigned.
	Secret string
}

// Options configure an Outbox. Zero values take the defaults given.
type Options struct {
	Channels []Channel
	// MaxAttempts is how many tries a delivery gets before it is dead (default 5).
	MaxAttempts int
	// Backoff is the delay before the first retry, doubled for each later one (default 30s),
	// up to MaxBackoff (default 1h); each delay is jittered down by up to half.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Lease is how long a claimed delivery stays a worker's (default 2m). It must exceed
	// Timeout, so a lease never lapses during a send.
	Lease time.Duration
	// Timeout bounds one send (default 10s).
	Timeout time.Duration
	// Batch is how many deliveries one Deliver call claims (default 50), sent by up to
	// Concurrency goroutines at once (default 4).
	Batch       int
	Concurrency int
	HTTPClient  *http.Client
	Logger      *slog.Logger
	// Now is the clock (default time.Now) and Jitter a source in [0, 1) (default
	// math/rand); tests set both.
	Now    func() time.Time
	Jitter func() float64
}

// Outbox persists messages as deliveries and sends them.
type Outbox struct {
	store    Store
	o        Options
	channels map[string]Channel
	log      *slog.Logger
}

// New returns an outbox over store delivering to o.Channels. It refuses a channel without a
// name, of an unknown kind, without an http(s) URL, or named twice.
func New(store Store, o Options) (*Outbox, error) {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Lease <= o.Timeout {
		o.Lease = max(2*time.Minute, 2*o.Timeout)
	}
	if o.Batch <= 0 {
		o.Batch = 50
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: o.Timeout}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	chans := map[string]Channel{}
	for _, c := range o.Channels {
		if err := c.validate(); err != nil {
			return nil, err
		}
		if _, dup := chans[c.Name]; dup {
			return nil, errkind.Errorf(ErrInvalid, "notify channel %s: configured twice", c.Name)
		}
		chans[c.Name] = c
	}
	return &Outbox{store: store, o: o, channels: chans, log: o.Logger.With("component", "notify")}, nil
}

func (c Channel) validate() error {
	switch {
	case c.Name == "":
		return errkind.Errorf(ErrInvalid, "notify channel: name is required")
	case c.Kind != KindSlack && c.Kind != KindWebhook:
		return errkind.Errorf(ErrInvalid, "notify channel %s: kind %q: want %s or %s", c.Name, c.Kind, KindSlack, KindWebhook)
	case !validURL(c.URL):
		return errkind.Errorf(ErrInvalid, "notify channel %s: url: want http://… or https://…", c.Name)
	}
	return nil
}

// Channels returns the names of the configured channels, sorted.
func (o *Outbox) Channels() []string {
	names := make([]string, 0, len(o.channels))
	for n := range o.channels {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Enqueue persists m as one pending delivery per channel it is for (m.Channels, or every
// configured channel), due now. Enqueuing a Key again adds nothing for a channel that already
// has it, so a message is delivered once per channel however often it is enqueued. A
// message for a channel that is not configured is refused with ErrInvalid; with no channel
// configured it stores nothing.
func (o *Outbox) Enqueue(ctx context.Context, m Message) error {
	ds, err := o.Prepare(m)
	if err != nil || len(ds) == 0 {
		return err
	}
	if _, err := o.store.EnqueueDeliveries(ctx, ds); err != nil {
		return fmt.Errorf("enqueue message %s: %w", m.Key, err)
	}
	return nil
}

// Prepare validates m and returns the deliveries Enqueue would store, for a caller that
// stores them in a transaction of its own (Store.EnqueueDeliveries' rules apply).
func (o *Outbox) Prepare(m Message) ([]Delivery, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	names := m.Channels
	if len(names) == 0 {
		names = o.Channels()
	}
	now := o.o.Now().UTC()
	ds := make([]Delivery, 0, len(names))
	for _, n := range names {
		if _, ok := o.channels[n]; !ok {
			return nil, errkind.Errorf(ErrInvalid, "message %s: channel %q is not configured", m.Key, n)
		}
		ds = append(ds, Delivery{Key: m.Key, Channel: n, Message: m, State: Pending, NextAt: now, CreatedAt: now, UpdatedAt: now})
	}
	return ds, nil
}

// Delivery returns one delivery; ErrNotFound when it does not exist.
func (o *Outbox) Delivery(ctx context.Context, id int64) (Delivery, error) {
	return o.store.Delivery(ctx, id)
}

// Deliveries lists deliveries, newest first.
func (o *Outbox) Deliveries(ctx context.Context, q DeliveryQuery) ([]Delivery, error) {
	if q.State != "" && !q.State.Valid() {
		return nil, errkind.Errorf(ErrInvalid, "delivery state %q: want pending, sent or dead", q.State)
	}
	return o.store.Deliveries(ctx, q)
}

// Resend puts a dead (or sent) delivery back in the queue, due now with a fresh set of tries.
func (o *Outbox) Resend(ctx context.Context, id int64) (Delivery, error) {
	return o.store.ResendDelivery(ctx, id, o.o.Now().UTC())
}

// backoff is the delay before the retry that follows attempt n (1-based): Backoff doubled
// n-1 times, capped at MaxBackoff, then jittered down by up to half so that deliveries that
// failed together do not retry together.
func (o *Outbox) backoff(n int) time.Duration {
	d := o.o.Backoff
	for i := 1; i < n && d < o.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.o.MaxBackoff)
	return d - time.Duration(o.o.Jitter()*float64(d)/2)
}
