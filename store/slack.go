package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nextportal/portal/assistant/slack"
	"github.com/nextportal/portal/internal/errkind"
)

var _ slack.Store = (*DB)(nil)

// EnqueueSlackJob stores j unless a job with its key exists, and reports whether it did.
func (db *DB) EnqueueSlackJob(ctx context.Context, j slack.Job) (bool, error) {
	if j.Key == "" {
		return false, errkind.Errorf(slack.ErrInvalid, "enqueue slack job: a key is required")
	}
	req, err := json.Marshal(j.Request)
	if err != nil {
		return false, fmt.Errorf("enqueue slack job %s: %w", j.Key, err)
	}
	created := createdAt(j.Created)
	next := j.NextAt
	if next.IsZero() {
		next = created
	}
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `INSERT INTO slack_jobs (key, request, next_at, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING`, j.Key, string(req), next.UnixMilli(), created)
	if err != nil {
		return false, translate("enqueue slack job "+j.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("enqueue slack job %s: %w", j.Key, err)
	}
	return n == 1, nil
}

// ClaimSlackJobs takes up to limit pending jobs due at now and leases them until now+lease.
func (db *DB) ClaimSlackJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]slack.Job, error) {
	if limit <= 0 {
		return nil, errkind.Errorf(slack.ErrInvalid, "claim slack jobs: limit %d", limit)
	}
	// The outer conditions are checked again after a row lock is waited for (PostgreSQL),
	// so two workers never both take the same job.
	const q = `UPDATE slack_jobs SET next_at = $2
		WHERE id IN (SELECT id FROM slack_jobs WHERE state = 'pending' AND next_at <= $1 ORDER BY next_at, id LIMIT $3)
		AND state = 'pending' AND next_at <= $1
		RETURNING id, key, request, answer, attempts, next_at, created_at`
	defer db.lockWrites()()
	jobs, err := collectRows(ctx, db.sql, q, []any{now.UnixMilli(), now.Add(lease).UnixMilli(), limit}, scanSlackJob)
	if err != nil {
		return nil, translate("claim slack jobs", err)
	}
	slices.SortFunc(jobs, func(a, b slack.Job) int { return int(a.ID - b.ID) })
	return jobs, nil
}

func scanSlackJob(sc scanner) (slack.Job, error) {
	var j slack.Job
	var req string
	var answer sql.NullString
	var next int64
	if err := sc.Scan(&j.ID, &j.Key, &req, &answer, &j.Attempts, &next, &j.Created); err != nil {
		return j, err
	}
	if err := json.Unmarshal([]byte(req), &j.Request); err != nil {
		return j, fmt.Errorf("slack job %d: request: %w", j.ID, err)
	}
	if answer.Valid {
		j.Answer = new(slack.Answered)
		if err := json.Unmarshal([]byte(answer.String), j.Answer); err != nil {
			return j, fmt.Errorf("slack job %d: answer: %w", j.ID, err)
		}
	}
	j.NextAt, j.Created = time.UnixMilli(next).UTC(), j.Created.UTC()
	return j, nil
}

// SaveSlackAnswer keeps a job's composed answer.
func (db *DB) SaveSlackAnswer(ctx context.Context, id int64, a slack.Answered) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("save slack answer %d: %w", id, err)
	}
	return db.execOne(ctx, fmt.Sprintf("save slack answer %d", id), slack.ErrNotFound, ": no such job",
		`UPDATE slack_jobs SET answer = $2 WHERE id = $1`, id, string(b))
}

// RetrySlackJob counts a failed attempt and sets when the job is due again.
func (db *DB) RetrySlackJob(ctx context.Context, id int64, nextAt time.Time, lastErr string) error {
	return db.execOne(ctx, fmt.Sprintf("retry slack job %d", id), slack.ErrNotFound, ": no such job",
		`UPDATE slack_jobs SET attempts = attempts + 1, next_at = $2, last_error = $3 WHERE id = $1`,
		id, nextAt.UnixMilli(), lastErr)
}

// FinishSlackJob marks a job done (lastErr empty) or failed.
func (db *DB) FinishSlackJob(ctx context.Context, id int64, at time.Time, lastErr string) error {
	state := "done"
	if lastErr != "" {
		state = "failed"
	}
	return db.execOne(ctx, fmt.Sprintf("finish slack job %d", id), slack.ErrNotFound, ": no such job",
		`UPDATE slack_jobs SET state = $2, done_at = $3, last_error = $4 WHERE id = $1`, id, state, dbTime(at), lastErr)
}

// SlackConversation returns the conversation of a thread key, or slack.ErrNotFound.
func (db *DB) SlackConversation(ctx context.Context, thread string) (string, error) {
	var id string
	err := db.sql.QueryRowContext(ctx, `SELECT conversation_id FROM slack_threads WHERE thread = $1`, thread).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errkind.Errorf(slack.ErrNotFound, "slack thread %s", thread)
	}
	if err != nil {
		return "", translate("slack thread "+thread, err)
	}
	return id, nil
}

// SaveSlackConversation records the conversation of a thread key.
func (db *DB) SaveSlackConversation(ctx context.Context, thread, conversationID string) error {
	defer db.lockWrites()()
	_, err := db.sql.ExecContext(ctx, `INSERT INTO slack_threads (thread, conversation_id) VALUES ($1, $2)
		ON CONFLICT (thread) DO UPDATE SET conversation_id = excluded.conversation_id`, thread, conversationID)
	if err != nil {
		return translate("save slack thread "+thread, err)
	}
	return nil
}
