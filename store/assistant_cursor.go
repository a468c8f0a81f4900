package store

import (
	"encoding/base64"
	"github.com/nextportal/portal/internal/errkind"
	"strconv"
	"strings"
	"time"

	"github.com/nextportal/portal/assistant"
)

// conversationKey is where a page of conversations ends: the last one's update time and id.
type conversationKey struct {
	updated time.Time
	id      string
}

// encodeConversationCursor makes k an opaque cursor: base64url of "<unix µs>.<id>".
func encodeConversationCursor(k conversationKey) string {
	raw := strconv.FormatInt(k.updated.UnixMicro(), 10) + "." + k.id
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeConversationCursor reads a cursor encodeConversationCursor made;
// assistant.ErrInvalid for anything else.
func decodeConversationCursor(cursor string) (conversationKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return conversationKey{}, errkind.Errorf(assistant.ErrInvalid, "malformed cursor")
	}
	us, id, ok := strings.Cut(string(raw), ".")
	micros, err := strconv.ParseInt(us, 10, 64)
	if !ok || err != nil || id == "" {
		return conversationKey{}, errkind.Errorf(assistant.ErrInvalid, "malformed cursor")
	}
	return conversationKey{updated: time.UnixMicro(micros).UTC(), id: id}, nil
}
