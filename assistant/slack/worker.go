package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// claimBatch is how many jobs the worker takes at a time.
const claimBatch = 4

// Run answers jobs until ctx ends: it claims due jobs, answers and posts each, and
// retries a failure with exponential backoff. Jobs left by a previous run (a restart
// between the ack and the answer) are due at once, or when their lease ends.
func (b *Bot) Run(ctx context.Context) {
	log := b.cfg.Logger
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-timer.C:
		}
		for ctx.Err() == nil {
			n, err := b.RunOnce(ctx)
			if err != nil {
				log.Error("slack jobs not claimed", "error", err)
				break
			}
			if n == 0 {
				break
			}
		}
		timer.Reset(b.cfg.PollInterval)
	}
}

// RunOnce claims the jobs due now and handles them; it returns how many it claimed.
func (b *Bot) RunOnce(ctx context.Context) (int, error) {
	jobs, err := b.store.ClaimSlackJobs(ctx, b.cfg.Now(), b.cfg.Lease, claimBatch)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		b.handle(ctx, j)
	}
	return len(jobs), nil
}

// handle answers one job and records the outcome; it logs, never returns, errors.
func (b *Bot) handle(ctx context.Context, j Job) {
	log := b.cfg.Logger.With("slack_job", j.ID, "kind", j.Request.Kind)
	err := b.answer(ctx, j)
	// The outcome is recorded even when ctx ended mid-answer (shutdown), so the job is
	// retried by the next run rather than waiting out its lease.
	rec := context.WithoutCancel(ctx)
	now := b.cfg.Now()
	if err == nil {
		if ferr := b.store.FinishSlackJob(rec, j.ID, now, ""); ferr != nil {
			log.Error("slack job answered but not marked done", "error", ferr)
		}
		return
	}
	if j.Attempts+1 >= b.cfg.MaxAttempts || errors.Is(err, errkind.Invalid) {
		log.Error("slack job given up", "attempts", j.Attempts+1, "error", err)
		if ferr := b.store.FinishSlackJob(rec, j.ID, now, err.Error()); ferr != nil {
			log.Error("slack job not marked failed", "error", ferr)
		}
		return
	}
	delay := b.cfg.Backoff << min(j.Attempts, 10)
	delay = min(delay, 5*time.Minute)
	log.Warn("slack job failed, will retry", "attempts", j.Attempts+1, "retry_in", delay, "error", err)
	if rerr := b.store.RetrySlackJob(rec, j.ID, now.Add(delay), err.Error()); rerr != nil {
		log.Error("slack job retry not recorded", "error", rerr)
	}
}

// answer asks the assistant (unless an earlier attempt did) and posts the answer.
func (b *Bot) answer(ctx context.Context, j Job) error {
	a := j.Answer
	if a == nil {
		got, err := b.ask(ctx, j.Request)
		if errors.Is(err, errkind.Invalid) {
			// A question the assistant refuses (too long, say) gets its reason, not silence.
			got, err = Answered{Answer: assistant.Answer{Answer: "I can't answer that: " + errkind.Message(err)}, Linked: true}, nil
		}
		if err != nil {
			return err
		}
		if err := b.store.SaveSlackAnswer(context.WithoutCancel(ctx), j.ID, got); err != nil {
			return fmt.Errorf("save answer: %w", err)
		}
		a = &got
	}
	return b.post(ctx, j.Request, *a)
}

// threadKey names the conversation of a request: a thread is one conversation per asker.
// Slash commands have no thread, so each starts a conversation.
func threadKey(r Request) string {
	if r.ThreadTS == "" {
		return ""
	}
	return r.Team + "/" + r.Channel + "/" + r.ThreadTS + "/" + r.User
}

// ask answers a request as the portal user the Slack user maps to, continuing the
// thread's conversation.
func (b *Bot) ask(ctx context.Context, r Request) (Answered, error) {
	who, err := b.identity(ctx, r.Team, r.User)
	if err != nil {
		return Answered{}, err
	}
	actx := auth.NewContext(ctx, who.principal)
	key := threadKey(r)
	q := assistant.Question{Message: r.Text}
	if key != "" {
		conv, err := b.store.SlackConversation(ctx, key)
		switch {
		case err == nil:
			q.ConversationID = conv
		case !errors.Is(err, ErrNotFound):
			return Answered{}, fmt.Errorf("conversation of thread: %w", err)
		}
	}
	ans, err := b.asker.Ask(actx, q, nil)
	if errors.Is(err, assistant.ErrNotFound) && q.ConversationID != "" {
		// The thread's conversation belongs to another principal now (the Slack user was
		// linked or unlinked since): start a new one.
		q.ConversationID = ""
		ans, err = b.asker.Ask(actx, q, nil)
	}
	if err != nil {
		return Answered{}, fmt.Errorf("ask: %w", err)
	}
	if key != "" {
		if err := b.store.SaveSlackConversation(ctx, key, ans.ConversationID); err != nil {
			return Answered{}, fmt.Errorf("save conversation of thread: %w", err)
		}
	}
	conv, err := b.asker.Conversation(actx, ans.ConversationID)
	if err != nil {
		return Answered{}, fmt.Errorf("read conversation: %w", err)
	}
	return Answered{Answer: ans, Turn: len(conv.Turns) - 1, Linked: who.linked}, nil
}

// post sends an answer where its request came from: a command's response_url, or the
// thread of a mention or direct message.
func (b *Bot) post(ctx context.Context, r Request, a Answered) error {
	for _, m := range b.messages(a) {
		var err error
		if r.Kind == KindCommand {
			blocks := slackgo.Blocks{BlockSet: m.blocks}
			err = slackgo.PostWebhookCustomHTTPContext(ctx, r.ResponseURL, b.cfg.HTTPClient,
				&slackgo.WebhookMessage{ResponseType: "ephemeral", Text: m.text, Blocks: &blocks})
		} else {
			_, _, err = b.api.PostMessageContext(ctx, r.Channel, slackgo.MsgOptionText(m.text, false),
				slackgo.MsgOptionBlocks(m.blocks...), slackgo.MsgOptionTS(r.ThreadTS))
		}
		if err != nil {
			return fmt.Errorf("post answer to slack: %w", err)
		}
	}
	return nil
}
