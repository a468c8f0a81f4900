package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/assistant"
)

// conversationsResponse is GET /api/v1/assistant/conversations's answer: a page of the
// caller's conversations, newest first, without their turns.
type conversationsResponse struct {
	Conversations []assistant.Conversation `json:"conversations"`
	NextCursor    string                   `json:"next_cursor"`
}

// getConversations serves GET /api/v1/assistant/conversations?limit=&cursor=.
func (s *Server) getConversations(c *gin.Context) error {
	if s.deps.Assistant == nil {
		return assistantOff()
	}
	limit := 0
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return inputErrorf("limit %q: want a number from 1 to 100", v)
		}
		limit = n
	}
	cs, next, err := s.deps.Assistant.Conversations(c.Request.Context(), limit, c.Query("cursor"))
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []assistant.Conversation{}
	}
	writeJSON(c, http.StatusOK, conversationsResponse{Conversations: cs, NextCursor: next})
	return nil
}

// getConversation serves GET /api/v1/assistant/conversations/{id}: one of the caller's
// conversations with its turns. Someone else's is a 404, exactly like a missing one.
func (s *Server) getConversation(c *gin.Context) error {
	if s.deps.Assistant == nil {
		return assistantOff()
	}
	conv, err := s.deps.Assistant.Conversation(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if conv.Turns == nil {
		conv.Turns = []assistant.Turn{}
	}
	for i := range conv.Turns {
		conv.Turns[i].Answer = outAnswer(conv.Turns[i].Answer)
	}
	writeJSON(c, http.StatusOK, conv)
	return nil
}

// feedbackRequest is POST /api/v1/assistant/conversations/{id}/feedback's body. Rating is
// 1 or "up", -1 or "down".
type feedbackRequest struct {
	Turn    *int            `json:"turn"`
	Rating  json.RawMessage `json:"rating"`
	Comment string          `json:"comment"`
}

// postFeedback serves POST /api/v1/assistant/conversations/{id}/feedback: the caller's
// rating of one turn (0-based) of their conversation; 204 when stored.
func (s *Server) postFeedback(c *gin.Context) error {
	if s.deps.Assistant == nil {
		return assistantOff()
	}
	var req feedbackRequest
	if err := readJSON(c, &req, true); err != nil {
		return err
	}
	if req.Turn == nil {
		return inputErrorf("turn is required: the 0-based index of the rated answer")
	}
	rating, err := parseRating(req.Rating)
	if err != nil {
		return err
	}
	f := assistant.Feedback{ConversationID: c.Param("id"), Turn: *req.Turn, Rating: rating, Comment: req.Comment}
	if err := s.deps.Assistant.Feedback(c.Request.Context(), f); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// parseRating reads a rating: 1 or "up" is +1, -1 or "down" is -1.
func parseRating(raw json.RawMessage) (int, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, inputErrorf(`rating is required: 1 or "up", -1 or "down"`)
	}
	var word string
	if json.Unmarshal(raw, &word) == nil {
		switch strings.ToLower(strings.TrimSpace(word)) {
		case "up", "+1", "1":
			return 1, nil
		case "down", "-1":
			return -1, nil
		}
		return 0, inputErrorf(`rating %q: want 1 or "up", -1 or "down"`, word)
	}
	switch string(raw) {
	case "1":
		return 1, nil
	case "-1":
		return -1, nil
	}
	return 0, inputErrorf(`rating %s: want 1 or "up", -1 or "down"`, raw)
}
