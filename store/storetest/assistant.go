package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/assistant"
)

// AssistantStore is what the assistant contract tests: assistant.Store, plus reading the
// feedback back, which evals use.
type AssistantStore interface {
	assistant.Store
	FeedbackOf(ctx context.Context, conversationID string) ([]assistant.Feedback, error)
}

// Assistant runs the assistant.Store contract against stores from newStore, which must
// return an empty, migrated store for each call.
func Assistant(t *testing.T, newStore func(t *testing.T) AssistantStore) {
	t.Run("CreateAndRead", func(t *testing.T) { testConversationCreate(t, newStore(t)) })
	t.Run("Turns", func(t *testing.T) { testConversationTurns(t, newStore(t)) })
	t.Run("ConcurrentTurns", func(t *testing.T) { testConcurrentTurns(t, newStore(t)) })
	t.Run("Paging", func(t *testing.T) { testConversationPaging(t, newStore(t)) })
	t.Run("Feedback", func(t *testing.T) { testFeedback(t, newStore(t)) })
}

func mustConversation(t *testing.T, s assistant.Store, id, owner string, created time.Time) {
	t.Helper()
	if err := s.CreateConversation(t.Context(), assistant.Conversation{ID: id, Owner: owner, Title: "title of " + id, Created: created}); err != nil {
		t.Fatalf("CreateConversation(%s): %v", id, err)
	}
}

func testConversationCreate(t *testing.T, s AssistantStore) {
	ctx := t.Context()
	mustConversation(t, s, "c1", "user:default/jane", t0)
	got, err := s.Conversation(ctx, "c1")
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	want := assistant.Conversation{ID: "c1", Owner: "user:default/jane", Title: "title of c1", Created: at(0), Updated: at(0)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Conversation mismatch (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		name string
		c    assistant.Conversation
		want error
	}{
		{"taken id", assistant.Conversation{ID: "c1", Owner: "someone"}, assistant.ErrInvalid},
		{"no id", assistant.Conversation{Owner: "someone"}, assistant.ErrInvalid},
		{"no owner", assistant.Conversation{ID: "c2"}, assistant.ErrInvalid},
	} {
		if err := s.CreateConversation(ctx, tt.c); !errors.Is(err, tt.want) {
			t.Errorf("CreateConversation(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := s.Conversation(ctx, "missing"); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("Conversation(missing) = %v, want ErrNotFound", err)
	}
	if err := s.AppendTurn(ctx, "missing", assistant.Turn{Question: "q", At: t0}); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("AppendTurn(missing) = %v, want ErrNotFound", err)
	}
}

func testConversationTurns(t *testing.T, s AssistantStore) {
	ctx := t.Context()
	mustConversation(t, s, "c1", "jane", t0)
	turns := []assistant.Turn{
		{Question: "who owns payments-api?", At: t0.Add(time.Minute), Focus: []string{"component:default/payments-api", "group:default/team-payments"},
			Answer: assistant.Answer{ConversationID: "c1", Answer: "payments-api is owned by team-payments [1].", Composer: "local",
				Citations: []assistant.Citation{{N: 1, Ref: "component:default/payments-api", Title: "payments-api", URL: "/catalog/default/component/payments-api"}}}},
		{Question: "and who is on that team?", At: t0.Add(2 * time.Minute),
			Answer: assistant.Answer{ConversationID: "c1", Answer: "I don't know.", Abstained: true, Composer: "openai:m",
				Notice: "the model was unreachable", Citations: []assistant.Citation{}}},
	}
	for _, tr := range turns {
		if err := s.AppendTurn(ctx, "c1", tr); err != nil {
			t.Fatalf("AppendTurn(%q): %v", tr.Question, err)
		}
	}
	got, err := s.Conversation(ctx, "c1")
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	want := assistant.Conversation{ID: "c1", Owner: "jane", Title: "title of c1", Created: at(0), Updated: at(2 * time.Minute), Turns: turns}
	want.Turns[0].At, want.Turns[1].At = at(time.Minute), at(2*time.Minute)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Conversation after two turns mismatch (-want +got):\n%s", diff)
	}
	list, _, err := s.Conversations(ctx, "jane", 10, "")
	if err != nil {
		t.Fatalf("Conversations: %v", err)
	}
	if len(list) != 1 || list[0].Turns != nil || !list[0].Updated.Equal(at(2*time.Minute)) {
		t.Errorf("Conversations = %+v, want c1 without turns, updated at its last turn", list)
	}
}

func testConcurrentTurns(t *testing.T, s AssistantStore) {
	ctx := t.Context()
	mustConversation(t, s, "c1", "jane", t0)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.AppendTurn(ctx, "c1", assistant.Turn{Question: fmt.Sprintf("q%d", i), At: t0.Add(time.Duration(i) * time.Second)})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent AppendTurn: %v", err)
		}
	}
	got, err := s.Conversation(ctx, "c1")
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	seen := map[string]bool{}
	for _, tr := range got.Turns {
		seen[tr.Question] = true
	}
	if len(got.Turns) != n || len(seen) != n {
		t.Errorf("after %d concurrent appends: %d turns, %d distinct questions", n, len(got.Turns), len(seen))
	}
}

func testConversationPaging(t *testing.T, s AssistantStore) {
	ctx := t.Context()
	// c0..c4 for jane, updated a minute apart except c3 and c4, which tie (the id breaks it).
	updated := []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute}
	for i, d := range updated {
		id := fmt.Sprintf("c%d", i)
		mustConversation(t, s, id, "jane", t0)
		if err := s.AppendTurn(ctx, id, assistant.Turn{Question: "q", At: t0.Add(d)}); err != nil {
			t.Fatalf("AppendTurn: %v", err)
		}
	}
	mustConversation(t, s, "other", "john", t0.Add(time.Hour))
	var got []string
	cursor, pages := "", 0
	for {
		page, next, err := s.Conversations(ctx, "jane", 2, cursor)
		if err != nil {
			t.Fatalf("Conversations(cursor %q): %v", cursor, err)
		}
		pages++
		if len(page) > 2 {
			t.Fatalf("page of %d, limit 2", len(page))
		}
		for _, c := range page {
			got = append(got, c.ID)
		}
		if next == "" || pages > 5 {
			break
		}
		cursor = next
	}
	if want := []string{"c4", "c3", "c2", "c1", "c0"}; !cmp.Equal(want, got) || pages != 3 {
		t.Errorf("paged conversations = %v in %d pages, want %v in 3", got, pages, want)
	}
	all, next, err := s.Conversations(ctx, "jane", 0, "")
	if err != nil || len(all) != 5 || next != "" {
		t.Errorf("Conversations(limit 0) = %d conversations, next %q, %v; want all 5 and no next", len(all), next, err)
	}
	none, _, err := s.Conversations(ctx, "nobody", 10, "")
	if err != nil || len(none) != 0 {
		t.Errorf("Conversations(nobody) = %v, %v; want none", none, err)
	}
	for _, bad := range []string{"!!!", "bm90LWEtY3Vyc29y"} {
		if _, _, err := s.Conversations(ctx, "jane", 2, bad); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("Conversations(cursor %q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func testFeedback(t *testing.T, s AssistantStore) {
	ctx := t.Context()
	mustConversation(t, s, "c1", "jane", t0)
	if err := s.AppendTurn(ctx, "c1", assistant.Turn{Question: "q", At: t0}); err != nil {
		t.Fatalf("AppendTurn: %v", err)
	}
	for _, tt := range []struct {
		name string
		f    assistant.Feedback
		want error
	}{
		{"rating 0", assistant.Feedback{ConversationID: "c1", Turn: 0, Rating: 0, Owner: "jane"}, assistant.ErrInvalid},
		{"rating 5", assistant.Feedback{ConversationID: "c1", Turn: 0, Rating: 5, Owner: "jane"}, assistant.ErrInvalid},
		{"no owner", assistant.Feedback{ConversationID: "c1", Turn: 0, Rating: 1}, assistant.ErrInvalid},
		{"missing turn", assistant.Feedback{ConversationID: "c1", Turn: 1, Rating: 1, Owner: "jane"}, assistant.ErrNotFound},
		{"negative turn", assistant.Feedback{ConversationID: "c1", Turn: -1, Rating: 1, Owner: "jane"}, assistant.ErrNotFound},
		{"missing conversation", assistant.Feedback{ConversationID: "c9", Turn: 0, Rating: 1, Owner: "jane"}, assistant.ErrNotFound},
	} {
		if err := s.AddFeedback(ctx, tt.f); !errors.Is(err, tt.want) {
			t.Errorf("AddFeedback(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := s.AddFeedback(ctx, assistant.Feedback{ConversationID: "c1", Turn: 0, Rating: 1, Owner: "jane", At: t0}); err != nil {
		t.Fatalf("AddFeedback: %v", err)
	}
	// Rating again replaces the first rating.
	second := assistant.Feedback{ConversationID: "c1", Turn: 0, Rating: -1, Comment: "wrong team", Owner: "jane", At: t0.Add(time.Minute)}
	if err := s.AddFeedback(ctx, second); err != nil {
		t.Fatalf("AddFeedback again: %v", err)
	}
	got, err := s.FeedbackOf(ctx, "c1")
	if err != nil {
		t.Fatalf("FeedbackOf: %v", err)
	}
	second.At = at(time.Minute)
	if diff := cmp.Diff([]assistant.Feedback{second}, got); diff != "" {
		t.Errorf("FeedbackOf mismatch (-want +got):\n%s", diff)
	}
}
