package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/assistant"
)

// assistantPrefix is where the assistant's routes are mounted.
const assistantPrefix = v1Prefix + "/assistant"

// Assistant answers questions as the principal in ctx and keeps each user's conversations;
// *assistant.Service implements it.
type Assistant interface {
	Ask(ctx context.Context, q assistant.Question, emit assistant.Emit) (assistant.Answer, error)
	Conversations(ctx context.Context, limit int, cursor string) ([]assistant.Conversation, string, error)
	Conversation(ctx context.Context, id string) (assistant.Conversation, error)
	Feedback(ctx context.Context, f assistant.Feedback) error
}

// chatRequest is POST /api/v1/assistant/chat's body.
type chatRequest struct {
	Message        string `json:"message"`
	ConversationID string `json:"conversation_id"`
}

// tokenEvent and errorEvent are the data of the SSE events token and error; citation and
// done carry an assistant.Citation and an assistant.Answer.
type (
	tokenEvent struct {
		Text string `json:"text"`
	}
	errorEvent struct {
		Message string `json:"message"`
	}
)

// postChat serves POST /api/v1/assistant/chat: one question, answered as JSON, or as
// Server-Sent Events (token, citation, done, error) when the client accepts
// text/event-stream. Bad input is a 4xx problem in either case, since nothing streams
// before the question has been checked.
func (s *Server) postChat(c *gin.Context) error {
	if s.deps.Assistant == nil {
		return assistantOff()
	}
	var req chatRequest
	if err := readJSON(c, &req, true); err != nil {
		return err
	}
	msg := strings.TrimSpace(req.Message)
	switch n := utf8.RuneCountInString(msg); {
	case n == 0:
		return inputErrorf("message is empty: ask a question")
	case n > assistant.MaxMessage:
		return inputErrorf("message has %d characters, more than the %d allowed", n, assistant.MaxMessage)
	}
	q := assistant.Question{Message: msg, ConversationID: req.ConversationID}
	ctx := c.Request.Context()
	if !wantsEventStream(c.Request) {
		ans, err := s.deps.Assistant.Ask(ctx, q, nil)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, outAnswer(ans))
		return nil
	}
	// The stream starts with the first event, so that an error before it (an unknown
	// conversation) is still answered with a status and a problem body.
	var (
		mu     sync.Mutex
		stream *sseStream
	)
	emit := func(ev assistant.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if stream == nil {
			stream = startSSE(c, sseKeepAlive)
		}
		return sendEvent(stream, ev)
	}
	_, err := s.deps.Assistant.Ask(ctx, q, emit)
	mu.Lock()
	defer mu.Unlock()
	if stream == nil {
		if err != nil {
			return err
		}
		return nil
	}
	defer stream.Close()
	if err != nil && !errors.Is(err, errStreamClosed) && ctx.Err() == nil {
		status, _, msg := errorResponse(err)
		if status >= 500 && !errors.Is(err, assistant.ErrUnavailable) {
			// The detail goes to the log; the user learns what to do.
			s.logger.ErrorContext(ctx, "streamed answer failed", "request_id", RequestID(ctx), "error", err)
			msg = "the answer could not be finished: ask again (request " + RequestID(ctx) + ")"
		}
		_ = stream.Send(string(assistant.EventError), errorEvent{Message: msg})
	}
	return nil
}

// sendEvent writes one assistant event to the stream under its SSE name.
func sendEvent(stream *sseStream, ev assistant.Event) error {
	switch ev.Kind {
	case assistant.EventToken:
		return stream.Send(string(ev.Kind), tokenEvent{Text: ev.Token})
	case assistant.EventCitation:
		if ev.Citation == nil {
			return nil
		}
		return stream.Send(string(ev.Kind), ev.Citation)
	case assistant.EventDone:
		if ev.Answer == nil {
			return nil
		}
		return stream.Send(string(ev.Kind), outAnswer(*ev.Answer))
	case assistant.EventError:
		return stream.Send(string(ev.Kind), errorEvent{Message: ev.Err})
	default:
		return fmt.Errorf("unknown assistant event %q", ev.Kind)
	}
}

// outAnswer is ans as the API answers it: citations an empty list rather than null.
func outAnswer(ans assistant.Answer) assistant.Answer {
	if ans.Citations == nil {
		ans.Citations = []assistant.Citation{}
	}
	return ans
}

// assistantOff is the answer of the assistant's routes when the server runs without it.
func assistantOff() error {
	return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
		msg: "the assistant is not available on this server"}
}
