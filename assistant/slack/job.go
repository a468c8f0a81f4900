package slack

import (
	"context"
	"time"

	"github.com/nextportal/portal/assistant"
)

// The kinds of request a job answers.
const (
	KindCommand = "command" // /portal ask …: answered through the response_url
	KindMention = "mention" // @portal in a channel or thread: answered in the thread
	KindDM      = "dm"      // a direct message to the bot: answered in the thread
)

// Request is what a job answers: who asked what, where.
type Request struct {
	Kind    string `json:"kind"`
	Team    string `json:"team"`
	Channel string `json:"channel"`
	User    string `json:"user"`
	Text    string `json:"text"`
	// ThreadTS is the thread the answer goes in: the thread of the mention, or the
	// mention's own ts when it started none. Empty for commands.
	ThreadTS    string `json:"thread_ts,omitempty"`
	ResponseURL string `json:"response_url,omitempty"` // commands only
}

// Job is a persisted request: acknowledged to Slack at once, answered by the worker, and
// kept until answered so that a restart between the two loses nothing.
type Job struct {
	ID int64
	// Key deduplicates: "event:<event_id>" for events (Slack retries with the same id),
	// "command:<trigger_id>" for slash commands.
	Key      string
	Request  Request
	Attempts int
	NextAt   time.Time // when the worker may next take it
	Created  time.Time
	// Answer is the composed answer once the assistant has answered, so that a retry after
	// a failed post sends the same answer instead of asking again.
	Answer *Answered
}

// Answered is a job's answer as it will be posted.
type Answered struct {
	Answer assistant.Answer `json:"answer"`
	Turn   int              `json:"turn"`   // the answer's turn in its conversation, for feedback
	Linked bool             `json:"linked"` // the asker is a portal user (else: public answers only)
}

// Store keeps jobs and which assistant conversation a Slack thread is. The store adapter
// implements it for both engines; storetest.Slack holds the contract.
type Store interface {
	// EnqueueSlackJob stores j (its ID and Created are assigned), due at j.NextAt (now
	// when zero), unless a job with j.Key exists; it reports whether j was added.
	EnqueueSlackJob(ctx context.Context, j Job) (bool, error)
	// ClaimSlackJobs returns up to limit unfinished jobs due at now, oldest first, and
	// moves their NextAt to now+lease so that no other worker takes them meanwhile.
	ClaimSlackJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// SaveSlackAnswer keeps the answer of job id; ErrNotFound if there is no such job.
	SaveSlackAnswer(ctx context.Context, id int64, a Answered) error
	// RetrySlackJob records a failed attempt of job id: Attempts+1, the error text, and
	// the time it is due again.
	RetrySlackJob(ctx context.Context, id int64, nextAt time.Time, lastErr string) error
	// FinishSlackJob ends job id at at: answered when lastErr is empty, given up otherwise.
	// A finished job is never claimed again but keeps its key, so a late retry of the
	// same event is still recognised.
	FinishSlackJob(ctx context.Context, id int64, at time.Time, lastErr string) error
	// SlackConversation returns the conversation of a thread key, or ErrNotFound.
	SlackConversation(ctx context.Context, thread string) (string, error)
	// SaveSlackConversation records (or replaces) the conversation of a thread key.
	SaveSlackConversation(ctx context.Context, thread, conversationID string) error
}
