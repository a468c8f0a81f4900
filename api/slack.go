package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/assistant/slack"
	"github.com/nextportal/portal/internal/errkind"
)

// SlackBot answers Slack's requests; *slack.Bot implements it. Each method verifies the
// request's signature itself, so the routes are public to the portal's own auth.
type SlackBot interface {
	Command(ctx context.Context, header http.Header, body []byte) (slack.Reply, error)
	Event(ctx context.Context, header http.Header, body []byte) (slack.Reply, error)
	Interaction(ctx context.Context, header http.Header, body []byte) (slack.Reply, error)
}

// slackRoutes are the Slack app's request URLs. Slack signs its requests instead of
// presenting portal credentials: the bot checks the signature before anything else.
func (s *Server) slackRoutes() []route {
	return []route{
		{http.MethodPost, "/slack/commands", public, s.slackHandler(SlackBot.Command)},
		{http.MethodPost, "/slack/events", public, s.slackHandler(SlackBot.Event)},
		{http.MethodPost, "/slack/interactions", public, s.slackHandler(SlackBot.Interaction)},
	}
}

// slackHandler adapts one of the bot's methods: it passes the raw body (the signature
// covers it byte for byte) and writes the bot's reply, or its error as a problem body.
func (s *Server) slackHandler(m func(SlackBot, context.Context, http.Header, []byte) (slack.Reply, error)) gin.HandlerFunc {
	return s.handleV1(func(c *gin.Context) error {
		if s.deps.Slack == nil {
			return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
				msg: "the Slack bot is not configured on this server (set SLACK_SIGNING_SECRET)"}
		}
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return err
			}
			return inputErrorf("read request body: %v", err)
		}
		ctx := c.Request.Context()
		reply, err := m(s.deps.Slack, ctx, c.Request.Header, body)
		if errors.Is(err, errkind.Unauthenticated) {
			// Never the secret nor the signature: which check failed is enough.
			s.logger.WarnContext(ctx, "slack request refused", "request_id", RequestID(ctx), "route", c.FullPath(),
				"retry_num", c.GetHeader(slack.HeaderRetryNum), "error", err)
		}
		if err != nil {
			return err
		}
		if reply.Body == nil {
			c.Status(reply.Status)
			return nil
		}
		writeJSON(c, reply.Status, reply.Body)
		return nil
	})
}
