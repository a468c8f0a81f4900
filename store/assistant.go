package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/nextportal/portal/internal/errkind"

	"github.com/nextportal/portal/assistant"
)

var _ assistant.Store = (*DB)(nil)

// CreateConversation stores a new conversation without turns; Created and Updated default
// to now. Its turns, if any, are not stored: AppendTurn adds them.
func (db *DB) CreateConversation(ctx context.Context, c assistant.Conversation) error {
	if c.ID == "" || c.Owner == "" {
		return errkind.Errorf(assistant.ErrInvalid, "create conversation: id and owner are required")
	}
	created := createdAt(c.Created)
	updated := created
	if !c.Updated.IsZero() {
		updated = dbTime(c.Updated)
	}
	defer db.lockWrites()()
	_, err := db.sql.ExecContext(ctx, `INSERT INTO assistant_conversations (id, owner, title, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5)`, c.ID, c.Owner, c.Title, created, updated)
	if isUniqueViolation(err) {
		return errkind.Errorf(assistant.ErrInvalid, "create conversation %s: the id is taken", c.ID)
	}
	if err != nil {
		return fmt.Errorf("create conversation %s: %w", c.ID, err)
	}
	return nil
}

// AppendTurn adds t as the conversation's next turn and sets its Updated time to t.At (now
// when zero); assistant.ErrNotFound when the conversation does not exist.
func (db *DB) AppendTurn(ctx context.Context, conversationID string, t assistant.Turn) error {
	what := "append turn to conversation " + conversationID
	answer, err := json.Marshal(t.Answer)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	focus := t.Focus
	if focus == nil {
		focus = []string{}
	}
	focusJSON, err := json.Marshal(focus)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	at := createdAt(t.At)
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	// The update takes the conversation's row lock, so concurrent appends number their
	// turns one after the other.
	var count int
	err = tx.QueryRowContext(ctx, `UPDATE assistant_conversations SET turn_count = turn_count + 1, updated_at = $2
		WHERE id = $1 RETURNING turn_count`, conversationID, at).Scan(&count)
	if errors.Is(err, sql.ErrNoRows) {
		return errkind.Errorf(assistant.ErrNotFound, "%s", what)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO assistant_turns (conversation_id, n, question, answer, focus, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, conversationID, count-1, t.Question, string(answer), string(focusJSON), at); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Conversation returns one conversation with its turns in order, or assistant.ErrNotFound.
func (db *DB) Conversation(ctx context.Context, id string) (assistant.Conversation, error) {
	c, err := scanConversation(db.sql.QueryRowContext(ctx, `SELECT id, owner, title, created_at, updated_at
		FROM assistant_conversations WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return assistant.Conversation{}, errkind.Errorf(assistant.ErrNotFound, "conversation %s", id)
	}
	if err != nil {
		return assistant.Conversation{}, fmt.Errorf("conversation %s: %w", id, err)
	}
	err = eachRow(ctx, db.sql, `SELECT question, answer, focus, at FROM assistant_turns
		WHERE conversation_id = $1 ORDER BY n`, []any{id}, func(rows *sql.Rows) error {
		var t assistant.Turn
		var answer, focus string
		if err := rows.Scan(&t.Question, &answer, &focus, &t.At); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(answer), &t.Answer); err != nil {
			return fmt.Errorf("turn %d: answer: %w", len(c.Turns), err)
		}
		if err := json.Unmarshal([]byte(focus), &t.Focus); err != nil {
			return fmt.Errorf("turn %d: focus: %w", len(c.Turns), err)
		}
		if len(t.Focus) == 0 {
			t.Focus = nil
		}
		t.At = t.At.UTC()
		c.Turns = append(c.Turns, t)
		return nil
	})
	if err != nil {
		return assistant.Conversation{}, fmt.Errorf("turns of conversation %s: %w", id, err)
	}
	return c, nil
}

func scanConversation(sc scanner) (assistant.Conversation, error) {
	var c assistant.Conversation
	if err := sc.Scan(&c.ID, &c.Owner, &c.Title, &c.Created, &c.Updated); err != nil {
		return c, err
	}
	c.Created, c.Updated = c.Created.UTC(), c.Updated.UTC()
	return c, nil
}

// Conversation list page sizes: the default (limit 0) and the most one page holds.
const (
	defaultConversationPage = 20
	maxConversationPage     = 100
)

// Conversations lists owner's conversations without turns, most recently updated first, a
// page of at most limit (0 means 20, at most 100) after cursor; the returned cursor is ""
// on the last page. A cursor that is not one this method returned is assistant.ErrInvalid.
func (db *DB) Conversations(ctx context.Context, owner string, limit int, cursor string) ([]assistant.Conversation, string, error) {
	if limit <= 0 {
		limit = defaultConversationPage
	}
	limit = min(limit, maxConversationPage)
	args := []any{owner}
	where := "owner = $1"
	if cursor != "" {
		k, err := decodeConversationCursor(cursor)
		if err != nil {
			return nil, "", fmt.Errorf("list conversations: %w", err)
		}
		args = append(args, k.updated, k.id)
		where += " AND (updated_at < $2 OR (updated_at = $2 AND id < $3))"
	}
	// One row more than the page says whether another page follows.
	out, err := collectRows(ctx, db.sql, `SELECT id, owner, title, created_at, updated_at FROM assistant_conversations
		WHERE `+where+` ORDER BY updated_at DESC, id DESC `+db.dialect.limitOffset(limit+1, 0), args, scanConversation)
	if err != nil {
		return nil, "", fmt.Errorf("list conversations: %w", err)
	}
	if len(out) <= limit {
		return out, "", nil
	}
	out = out[:limit]
	last := out[limit-1]
	return out, encodeConversationCursor(conversationKey{updated: last.Updated, id: last.ID}), nil
}

// AddFeedback stores f's rating of one turn, replacing the owner's earlier rating of it;
// assistant.ErrInvalid for a rating other than +1 or -1, assistant.ErrNotFound when the
// conversation or the turn does not exist.
func (db *DB) AddFeedback(ctx context.Context, f assistant.Feedback) error {
	what := fmt.Sprintf("feedback on turn %d of conversation %s", f.Turn, f.ConversationID)
	if f.Rating != 1 && f.Rating != -1 {
		return errkind.Errorf(assistant.ErrInvalid, "%s: rating %d is neither 1 nor -1", what, f.Rating)
	}
	if f.Owner == "" {
		return errkind.Errorf(assistant.ErrInvalid, "%s: owner is required", what)
	}
	defer db.lockWrites()()
	// Inserting from the turn's row makes a missing turn insert nothing.
	res, err := db.sql.ExecContext(ctx, `INSERT INTO assistant_feedback (conversation_id, n, owner, rating, comment, at)
		SELECT conversation_id, n, $3, $4, $5, $6 FROM assistant_turns WHERE conversation_id = $1 AND n = $2
		ON CONFLICT (conversation_id, n, owner) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, at = excluded.at`,
		f.ConversationID, f.Turn, f.Owner, f.Rating, f.Comment, createdAt(f.At))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return errkind.Errorf(assistant.ErrNotFound, "%s", what)
	}
	return nil
}

// FeedbackOf returns every rating given in a conversation, by turn then owner; it is how
// evals read what users said.
func (db *DB) FeedbackOf(ctx context.Context, conversationID string) ([]assistant.Feedback, error) {
	out, err := collectRows(ctx, db.sql, `SELECT conversation_id, n, owner, rating, comment, at FROM assistant_feedback
		WHERE conversation_id = $1 ORDER BY n, owner`, []any{conversationID}, func(sc scanner) (assistant.Feedback, error) {
		var f assistant.Feedback
		err := sc.Scan(&f.ConversationID, &f.Turn, &f.Owner, &f.Rating, &f.Comment, &f.At)
		f.At = f.At.UTC()
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("feedback of conversation %s: %w", conversationID, err)
	}
	return out, nil
}
