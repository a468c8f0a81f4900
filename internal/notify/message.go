package notify

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/nextportal/portal/internal/errkind"
)

// Message is one notification to deliver on every configured channel (or on Channels).
type Message struct {
	// Key is the idempotency key: enqueuing the same Key twice delivers once per channel.
	Key string `json:"key"`
	// Kind is "alert" or "cost".
	Kind     string `json:"kind"`
	Severity string `json:"severity,omitempty"`
	Title    string `json:"title"`
	// Text is a plain text or Slack mrkdwn summary.
	Text string `json:"text,omitempty"`
	// Fields are short name/value facts: entity, owner, on-call, top mover, ….
	Fields []Field `json:"fields,omitempty"`
	// Links are the chart, runbook, similar incidents, ….
	Links []Link `json:"links,omitempty"`
	// Body, when set, is the whole JSON body generic webhooks receive (default: the Message).
	Body json.RawMessage `json:"body,omitempty"`
	// Channels names the channels to deliver on; empty means every configured channel.
	Channels []string `json:"channels,omitempty"`
}

// Field is a named fact of a Message.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Link is a titled URL of a Message.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Bounds of a Message; Validate refuses anything beyond them.
const (
	MaxKeyLen    = 200
	MaxTitleLen  = 500
	MaxTextLen   = 8000
	MaxFields    = 20
	MaxLinks     = 20
	MaxBodyBytes = 64 << 10
)

// Validate checks that m has a key, a kind and a title and stays within the bounds.
func (m *Message) Validate() error {
	switch {
	case strings.TrimSpace(m.Key) == "":
		return errkind.Errorf(ErrInvalid, "message: key is required")
	case len(m.Key) > MaxKeyLen:
		return errkind.Errorf(ErrInvalid, "message: key longer than %d bytes", MaxKeyLen)
	case m.Kind == "":
		return errkind.Errorf(ErrInvalid, "message %s: kind is required", m.Key)
	case strings.TrimSpace(m.Title) == "":
		return errkind.Errorf(ErrInvalid, "message %s: title is required", m.Key)
	case utf8.RuneCountInString(m.Title) > MaxTitleLen:
		return errkind.Errorf(ErrInvalid, "message %s: title longer than %d characters", m.Key, MaxTitleLen)
	case utf8.RuneCountInString(m.Text) > MaxTextLen:
		return errkind.Errorf(ErrInvalid, "message %s: text longer than %d characters", m.Key, MaxTextLen)
	case len(m.Fields) > MaxFields:
		return errkind.Errorf(ErrInvalid, "message %s: more than %d fields", m.Key, MaxFields)
	case len(m.Links) > MaxLinks:
		return errkind.Errorf(ErrInvalid, "message %s: more than %d links", m.Key, MaxLinks)
	case len(m.Body) > MaxBodyBytes:
		return errkind.Errorf(ErrInvalid, "message %s: body larger than %d bytes", m.Key, MaxBodyBytes)
	case len(m.Body) > 0 && !json.Valid(m.Body):
		return errkind.Errorf(ErrInvalid, "message %s: body is not valid JSON", m.Key)
	}
	return nil
}
