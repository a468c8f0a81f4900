package notify_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// clock is a settable clock for the outbox.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 5, 6, 7, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// receiver is a webhook endpoint that fails its first failures requests (all of them when
// failures < 0) and records the bodies it accepted.
type receiver struct {
	mu       sync.Mutex
	failures int
	requests int
	accepted [][]byte
	headers  []http.Header
	srv      *httptest.Server
}

func newReceiver(t *testing.T, failures int) *receiver {
	r := &receiver{failures: failures}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.requests++
		if r.failures < 0 || r.requests <= r.failures {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		r.accepted = append(r.accepted, body)
		r.headers = append(r.headers, req.Header.Clone())
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) counts() (requests, accepted int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, len(r.accepted)
}

func newOutbox(t *testing.T, s notify.Store, c *clock, chans ...notify.Channel) *notify.Outbox {
	t.Helper()
	o, err := notify.New(s, notify.Options{Channels: chans, MaxAttempts: 4, Backoff: time.Minute,
		Now: c.Now, Jitter: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func webhook(url string) notify.Channel {
	return notify.Channel{Name: "webhook", Kind: notify.KindWebhook, URL: url, Secret: "s3cret"}
}

func message(key string) notify.Message {
	return notify.Message{Key: key, Kind: "alert", Severity: "high", Title: "payments-api latency",
		Text: "p99 latency is 5x its usual", Fields: []notify.Field{{Name: "Owner", Value: "group:default/payments"}},
		Links: []notify.Link{{Title: "Chart", URL: "http://portal/chart"}}}
}

// drain runs the worker, advancing the clock past each backoff, until nothing is pending.
func drain(t *testing.T, o *notify.Outbox, s notify.Store, c *clock) {
	t.Helper()
	for range 20 {
		if _, err := o.Deliver(t.Context()); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		pending, err := s.Deliveries(t.Context(), notify.DeliveryQuery{State: notify.Pending})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			return
		}
		c.Advance(time.Hour)
	}
	t.Fatal("deliveries still pending after 20 rounds")
}

func TestRetryThenDeliverOnce(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			db, c := e.Open(t), newClock()
			r := newReceiver(t, 2)
			o := newOutbox(t, db, c, webhook(r.srv.URL))
			if err := o.Enqueue(t.Context(), message("alert:a1:1")); err != nil {
				t.Fatal(err)
			}
			// A second enqueue of the same key (a replayed state change) adds nothing.
			if err := o.Enqueue(t.Context(), message("alert:a1:1")); err != nil {
				t.Fatal(err)
			}
			drain(t, o, db, c)
			if req, acc := r.counts(); req != 3 || acc != 1 {
				t.Errorf("receiver saw %d requests, accepted %d; want 3 and 1", req, acc)
			}
			ds, err := o.Deliveries(t.Context(), notify.DeliveryQuery{})
			if err != nil || len(ds) != 1 {
				t.Fatalf("deliveries = %+v, %v", ds, err)
			}
			if ds[0].State != notify.Sent || ds[0].Attempts != 3 {
				t.Errorf("delivery = %s after %d attempts, want sent after 3", ds[0].State, ds[0].Attempts)
			}
		})
	}
}

func TestAlwaysFailingIsDead(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			db, c := e.Open(t), newClock()
			r := newReceiver(t, -1)
			o := newOutbox(t, db, c, webhook(r.srv.URL))
			if err := o.Enqueue(t.Context(), message("alert:a2:1")); err != nil {
				t.Fatal(err)
			}
			drain(t, o, db, c)
			if req, acc := r.counts(); req != 4 || acc != 0 {
				t.Errorf("receiver saw %d requests, accepted %d; want 4 (MaxAttempts) and 0", req, acc)
			}
			dead, err := o.Deliveries(t.Context(), notify.DeliveryQuery{State: notify.Dead})
			if err != nil || len(dead) != 1 {
				t.Fatalf("dead deliveries = %+v, %v", dead, err)
			}
			if !strings.Contains(dead[0].LastError, "503") {
				t.Errorf("last error %q does not name the status", dead[0].LastError)
			}
			// Re-sent once the receiver is back, it arrives once.
			r.mu.Lock()
			r.failures = 0
			r.mu.Unlock()
			if _, err := o.Resend(t.Context(), dead[0].ID); err != nil {
				t.Fatal(err)
			}
			drain(t, o, db, c)
			if _, acc := r.counts(); acc != 1 {
				t.Errorf("after resend the receiver accepted %d, want 1", acc)
			}
		})
	}
}

func TestRestartDeliversOnce(t *testing.T) {
	engines := []struct {
		name string
		opts func(t *testing.T) store.Options
	}{
		{"sqlite", func(t *testing.T) store.Options { return store.Options{DataDir: t.TempDir()} }},
		{"postgres", func(t *testing.T) store.Options { return store.Options{URL: storetest.PostgresURL(t)} }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			opts, c := e.opts(t), newClock()
			r := newReceiver(t, 0)
			// The portal detects and enqueues, then dies before its worker runs.
			db, err := store.Open(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := newOutbox(t, db, c, webhook(r.srv.URL)).Enqueue(t.Context(), message("alert:a3:1")); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if req, _ := r.counts(); req != 0 {
				t.Fatalf("sent before the restart: %d", req)
			}
			db, err = store.Open(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			o := newOutbox(t, db, c, webhook(r.srv.URL))
			drain(t, o, db, c)
			c.Advance(time.Hour)
			if n, err := o.Deliver(t.Context()); err != nil || n != 0 {
				t.Errorf("a later run sent %d (%v), want 0", n, err)
			}
			if req, acc := r.counts(); req != 1 || acc != 1 {
				t.Errorf("receiver saw %d requests, accepted %d; want exactly one", req, acc)
			}
		})
	}
}

func TestTwoWorkersSendEachOnce(t *testing.T) {
	url := storetest.PostgresURL(t)
	c := newClock()
	r := newReceiver(t, 0)
	var outs []*notify.Outbox
	for range 2 {
		db, err := store.Open(t.Context(), store.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		o, err := notify.New(db, notify.Options{Channels: []notify.Channel{webhook(r.srv.URL)}, Batch: 5, Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, o)
	}
	const n = 60
	for i := range n {
		if err := outs[i%2].Enqueue(t.Context(), message(fmt.Sprintf("alert:m%d:1", i))); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, o := range outs {
		wg.Go(func() {
			for {
				sent, err := o.Deliver(t.Context())
				if err != nil {
					t.Error(err)
					return
				}
				if sent == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]int{}
	for _, b := range r.accepted {
		var m notify.Message
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		seen[m.Key]++
	}
	if len(seen) != n || r.requests != n {
		t.Errorf("receiver got %d requests for %d keys, want %d each once", r.requests, len(seen), n)
	}
	for k, v := range seen {
		if v != 1 {
			t.Errorf("%s delivered %d times", k, v)
		}
	}
}

func TestWebhookSignedAndSlackBlocks(t *testing.T) {
	db, c := storetest.SQLite(t), newClock()
	hook := newReceiver(t, 0)
	slackHook := newReceiver(t, 0)
	o := newOutbox(t, db, c, webhook(hook.srv.URL), notify.Channel{Name: "slack", Kind: notify.KindSlack, URL: slackHook.srv.URL})
	if err := o.Enqueue(t.Context(), message("alert:a4:1")); err != nil {
		t.Fatal(err)
	}
	drain(t, o, db, c)
	if _, acc := hook.counts(); acc != 1 {
		t.Fatalf("webhook accepted %d", acc)
	}
	body, h := hook.accepted[0], hook.headers[0]
	if !notify.Verify([]byte("s3cret"), body, h.Get(notify.SignatureHeader)) {
		t.Errorf("signature %q does not verify", h.Get(notify.SignatureHeader))
	}
	if notify.Verify([]byte("other"), body, h.Get(notify.SignatureHeader)) {
		t.Error("signature verifies under another secret")
	}
	if h.Get(notify.TimestampHeader) != fmt.Sprint(c.Now().Unix()) || h.Get(notify.DeliveryHeader) != "alert:a4:1/webhook" {
		t.Errorf("headers = %v", h)
	}
	var got notify.Message
	if err := json.Unmarshal(body, &got); err != nil || got.Title != "payments-api latency" || got.Fields[0].Value != "group:default/payments" {
		t.Errorf("webhook body = %s (%v)", body, err)
	}
	if _, acc := slackHook.counts(); acc != 1 {
		t.Fatalf("slack accepted %d", acc)
	}
	var sm struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type, Text string
			} `json:"text"`
			Fields []struct{ Text string } `json:"fields"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(slackHook.accepted[0], &sm); err != nil {
		t.Fatal(err)
	}
	if len(sm.Blocks) != 4 || sm.Blocks[0].Type != "header" || sm.Blocks[0].Text.Text != "[HIGH] payments-api latency" ||
		!strings.Contains(sm.Blocks[2].Fields[0].Text, "group:default/payments") || !strings.Contains(sm.Blocks[3].Text.Text, "<http://portal/chart|Chart>") {
		t.Errorf("slack message = %s", slackHook.accepted[0])
	}
}

func TestEnqueueRefusesBadMessages(t *testing.T) {
	db, c := storetest.SQLite(t), newClock()
	o := newOutbox(t, db, c, webhook("http://127.0.0.1:1/hook"))
	long := message("k")
	long.Title = strings.Repeat("x", notify.MaxTitleLen+1)
	unknown := message("k2")
	unknown.Channels = []string{"pager"}
	for name, m := range map[string]notify.Message{
		"no key": {Kind: "alert", Title: "t"}, "no title": {Key: "k", Kind: "alert"}, "long title": long,
		"bad body": {Key: "k", Kind: "alert", Title: "t", Body: json.RawMessage("{")}, "unknown channel": unknown,
	} {
		if err := o.Enqueue(t.Context(), m); !errors.Is(err, notify.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if ds, _ := o.Deliveries(t.Context(), notify.DeliveryQuery{}); len(ds) != 0 {
		t.Errorf("refused messages stored %d deliveries", len(ds))
	}
	if _, err := notify.New(db, notify.Options{Channels: []notify.Channel{{Name: "x", Kind: "pager", URL: "http://a"}}}); !errors.Is(err, notify.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := notify.New(db, notify.Options{Channels: []notify.Channel{{Name: "x", Kind: notify.KindSlack, URL: "ftp://a"}}}); !errors.Is(err, notify.ErrInvalid) {
		t.Errorf("bad url: %v", err)
	}
}
