package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/assistant/slack"
)

// Slack runs the slack.Store contract against stores from newStore, which must return an
// empty, migrated store for each call.
func Slack(t *testing.T, newStore func(t *testing.T) slack.Store) {
	t.Run("EnqueueDedup", func(t *testing.T) { testSlackEnqueue(t, newStore(t)) })
	t.Run("ClaimLease", func(t *testing.T) { testSlackClaim(t, newStore(t)) })
	t.Run("ConcurrentClaims", func(t *testing.T) { testSlackConcurrentClaims(t, newStore(t)) })
	t.Run("RetryAnswerFinish", func(t *testing.T) { testSlackLifecycle(t, newStore(t)) })
	t.Run("Threads", func(t *testing.T) { testSlackThreads(t, newStore(t)) })
}

// sec is n seconds after t0, to the millisecond, as job due times are kept.
func sec(n int) time.Time { return t0.Truncate(time.Millisecond).Add(time.Duration(n) * time.Second) }

func slackReq(text string) slack.Request {
	return slack.Request{Kind: slack.KindMention, Team: "T1", Channel: "C1", User: "U1", Text: text, ThreadTS: "1.2"}
}

func mustEnqueue(t *testing.T, s slack.Store, key string, next time.Time) {
	t.Helper()
	added, err := s.EnqueueSlackJob(t.Context(), slack.Job{Key: key, Request: slackReq("about " + key), NextAt: next, Created: t0})
	if err != nil || !added {
		t.Fatalf("EnqueueSlackJob(%s) = %v, %v; want added", key, added, err)
	}
}

func testSlackEnqueue(t *testing.T, s slack.Store) {
	ctx := t.Context()
	mustEnqueue(t, s, "event:Ev1", t0)
	// Slack retries the same event: the second enqueue adds nothing.
	added, err := s.EnqueueSlackJob(ctx, slack.Job{Key: "event:Ev1", Request: slackReq("again"), NextAt: t0})
	if err != nil || added {
		t.Errorf("enqueue of a known key = %v, %v; want not added, no error", added, err)
	}
	if _, err := s.EnqueueSlackJob(ctx, slack.Job{Request: slackReq("no key")}); !errors.Is(err, slack.ErrInvalid) {
		t.Errorf("enqueue without a key: %v, want ErrInvalid", err)
	}
	jobs, err := s.ClaimSlackJobs(ctx, sec(1), time.Minute, 10)
	if err != nil {
		t.Fatalf("ClaimSlackJobs: %v", err)
	}
	want := []slack.Job{{Key: "event:Ev1", Request: slackReq("about event:Ev1"), NextAt: sec(1).Add(time.Minute), Created: at(0)}}
	if diff := cmp.Diff(want, jobs, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())); diff != "" {
		t.Errorf("claimed jobs (-want +got):\n%s", diff)
	}
	if len(jobs) == 1 && jobs[0].ID == 0 {
		t.Error("a claimed job has no ID")
	}
}

func testSlackClaim(t *testing.T, s slack.Store) {
	ctx := t.Context()
	mustEnqueue(t, s, "a", sec(0))
	mustEnqueue(t, s, "b", sec(1))
	mustEnqueue(t, s, "later", sec(60))
	keys := func(js []slack.Job) []string {
		var out []string
		for _, j := range js {
			out = append(out, j.Key)
		}
		return out
	}
	got, err := s.ClaimSlackJobs(ctx, sec(5), 30*time.Second, 1)
	if err != nil || !cmp.Equal(keys(got), []string{"a"}) {
		t.Fatalf("claim with limit 1 = %v, %v; want [a] (the oldest due)", keys(got), err)
	}
	got, err = s.ClaimSlackJobs(ctx, sec(5), 30*time.Second, 10)
	if err != nil || !cmp.Equal(keys(got), []string{"b"}) {
		t.Errorf("second claim = %v, %v; want [b]: a is leased, later is not due", keys(got), err)
	}
	// When the lease runs out with the job unfinished (the worker died), it is due again.
	got, err = s.ClaimSlackJobs(ctx, sec(40), 30*time.Second, 10)
	if err != nil || !cmp.Equal(keys(got), []string{"a", "b"}) {
		t.Errorf("claim after the leases ended = %v, %v; want [a b]", keys(got), err)
	}
	if _, err := s.ClaimSlackJobs(ctx, sec(40), time.Second, 0); !errors.Is(err, slack.ErrInvalid) {
		t.Errorf("claim with limit 0: %v, want ErrInvalid", err)
	}
}

func testSlackConcurrentClaims(t *testing.T, s slack.Store) {
	const n = 20
	for i := range n {
		mustEnqueue(t, s, "job-"+string(rune('a'+i)), sec(0))
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				js, err := s.ClaimSlackJobs(t.Context(), sec(1), time.Hour, 3)
				if err != nil {
					t.Errorf("ClaimSlackJobs: %v", err)
					return
				}
				if len(js) == 0 {
					return
				}
				mu.Lock()
				for _, j := range js {
					seen[j.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("workers claimed %d distinct jobs, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("job %d was claimed %d times, want once", id, c)
		}
	}
}

func testSlackLifecycle(t *testing.T, s slack.Store) {
	ctx := t.Context()
	mustEnqueue(t, s, "event:Ev2", sec(0))
	js, err := s.ClaimSlackJobs(ctx, sec(1), time.Minute, 10)
	if err != nil || len(js) != 1 {
		t.Fatalf("claim = %v, %v", js, err)
	}
	id := js[0].ID
	ans := slack.Answered{Turn: 2, Linked: true, Answer: assistant.Answer{ConversationID: "c1", Answer: "team-payments owns it [1]", Composer: "local",
		Citations: []assistant.Citation{{N: 1, Ref: "component:default/payments-api", Title: "payments-api", URL: "/catalog/default/component/payments-api"}}}}
	if err := s.SaveSlackAnswer(ctx, id, ans); err != nil {
		t.Fatalf("SaveSlackAnswer: %v", err)
	}
	if err := s.RetrySlackJob(ctx, id, sec(10), "chat.postMessage: 500"); err != nil {
		t.Fatalf("RetrySlackJob: %v", err)
	}
	if js, _ := s.ClaimSlackJobs(ctx, sec(9), time.Minute, 10); len(js) != 0 {
		t.Errorf("claimed %v before the retry is due", js)
	}
	js, err = s.ClaimSlackJobs(ctx, sec(10), time.Minute, 10)
	if err != nil || len(js) != 1 {
		t.Fatalf("claim when the retry is due = %v, %v", js, err)
	}
	if js[0].Attempts != 1 || js[0].Answer == nil || !cmp.Equal(*js[0].Answer, ans) {
		t.Errorf("retried job = attempts %d, answer %+v; want 1 attempt and the saved answer", js[0].Attempts, js[0].Answer)
	}
	if err := s.FinishSlackJob(ctx, id, sec(11), ""); err != nil {
		t.Fatalf("FinishSlackJob: %v", err)
	}
	if js, _ := s.ClaimSlackJobs(ctx, sec(1000), time.Minute, 10); len(js) != 0 {
		t.Errorf("claimed a finished job: %v", js)
	}
	// The finished job keeps its key: a late retry of the event is still a duplicate.
	if added, err := s.EnqueueSlackJob(ctx, slack.Job{Key: "event:Ev2", Request: slackReq("late")}); added || err != nil {
		t.Errorf("enqueue after finish = %v, %v; want not added", added, err)
	}
	for name, err := range map[string]error{
		"save":   s.SaveSlackAnswer(ctx, 9999, ans),
		"retry":  s.RetrySlackJob(ctx, 9999, sec(1), "x"),
		"finish": s.FinishSlackJob(ctx, 9999, sec(1), ""),
	} {
		if !errors.Is(err, slack.ErrNotFound) {
			t.Errorf("%s of a missing job: %v, want ErrNotFound", name, err)
		}
	}
	// A job given up on is not claimed again either.
	mustEnqueue(t, s, "event:Ev3", sec(0))
	js, _ = s.ClaimSlackJobs(ctx, sec(2000), time.Minute, 10)
	if len(js) != 1 {
		t.Fatalf("claim Ev3 = %v", js)
	}
	if err := s.FinishSlackJob(ctx, js[0].ID, sec(2001), "gave up"); err != nil {
		t.Fatalf("FinishSlackJob(failed): %v", err)
	}
	if js, _ := s.ClaimSlackJobs(ctx, sec(9000), time.Minute, 10); len(js) != 0 {
		t.Errorf("claimed a failed job: %v", js)
	}
}

func testSlackThreads(t *testing.T, s slack.Store) {
	ctx := t.Context()
	if _, err := s.SlackConversation(ctx, "T1/C1/1.2/U1"); !errors.Is(err, slack.ErrNotFound) {
		t.Errorf("unknown thread: %v, want ErrNotFound", err)
	}
	for _, conv := range []string{"conv-1", "conv-2"} {
		if err := s.SaveSlackConversation(ctx, "T1/C1/1.2/U1", conv); err != nil {
			t.Fatalf("SaveSlackConversation: %v", err)
		}
		if got, err := s.SlackConversation(ctx, "T1/C1/1.2/U1"); err != nil || got != conv {
			t.Errorf("SlackConversation = %q, %v; want %q", got, err, conv)
		}
	}
	if _, err := s.SlackConversation(ctx, "t1/c1/1.2/u1"); !errors.Is(err, slack.ErrNotFound) {
		t.Errorf("thread keys are case-sensitive: %v, want ErrNotFound", err)
	}
}
