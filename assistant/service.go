package assistant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/nextportal/portal/internal/errkind"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
)

// MaxMessage is the longest question, in characters, the assistant accepts.
const MaxMessage = 2000

// maxComment is the longest feedback comment, in characters.
const maxComment = 2000

// Catalog is what the assistant reads of the catalog; *catalog.Service implements it. Every
// method applies the visibility of the principal in ctx: a hidden entity looks missing.
type Catalog interface {
	EntityByRef(ctx context.Context, ref catalog.Ref) (catalog.Entity, error)
	EntitiesByRefs(ctx context.Context, refs []string, filter catalog.Filter) ([]*catalog.Entity, error)
	Query(ctx context.Context, q catalog.Query) (catalog.Page, error)
}

// Search is what the assistant reads of the search index; *indexer.Service implements it,
// applying the visibility of the principal in ctx.
type Search interface {
	Search(ctx context.Context, q indexer.Query) (*indexer.Results, error)
	Document(ctx context.Context, id string) (indexer.Document, error)
}

// Deps are what a Service is built from.
type Deps struct {
	Catalog Catalog
	// Search answers doc questions; nil means the assistant answers from the catalog only.
	Search Search
	Store  Store
	// Composer writes answers; nil means the local composer.
	Composer Composer
	// Registry holds the tools; the Service registers its own (entity lookup, relations,
	// doc search) into it. Nil means a new registry.
	Registry *Registry
	Logger   *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service answers questions as the principal in ctx and keeps each user's conversations.
type Service struct {
	cat      Catalog
	search   Search
	store    Store
	composer Composer
	tools    *Registry
	logger   *slog.Logger
	now      func() time.Time
}

// New returns a Service over d. Catalog and Store are required.
func New(d Deps) (*Service, error) {
	if d.Catalog == nil || d.Store == nil {
		return nil, errors.New("assistant: a catalog and a store are required")
	}
	s := &Service{cat: d.Catalog, search: d.Search, store: d.Store, composer: d.Composer,
		tools: d.Registry, logger: d.Logger, now: d.Now}
	if s.composer == nil {
		s.composer = NewLocalComposer()
	}
	if s.tools == nil {
		s.tools = NewRegistry()
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, t := range s.builtinTools() {
		s.tools.Register(t)
	}
	return s, nil
}

// Registry returns the service's tools, so capabilities can register theirs.
func (s *Service) Registry() *Registry { return s.tools }

// owner returns the conversation owner for the principal in ctx. An anonymous principal
// with a Subject is someone an integration knows but who has no portal account (a Slack
// user with no linked user): they own their conversations, and see only public entities.
func owner(ctx context.Context) (string, error) {
	p := auth.FromContext(ctx)
	if p.Subject == "" || (!p.IsAuthenticated() && p.Kind != auth.KindAnonymous) {
		return "", errkind.Errorf(ErrInvalid, "the assistant needs a signed-in user")
	}
	return p.Subject, nil
}

// Conversations lists the asker's conversations, newest first, a page of at most limit
// (1..100, 0 means 20) after cursor.
func (s *Service) Conversations(ctx context.Context, limit int, cursor string) ([]Conversation, string, error) {
	who, err := owner(ctx)
	if err != nil {
		return nil, "", err
	}
	switch {
	case limit == 0:
		limit = 20
	case limit < 0 || limit > 100:
		return nil, "", errkind.Errorf(ErrInvalid, "limit %d: want 1 to 100", limit)
	}
	cs, next, err := s.store.Conversations(ctx, who, limit, cursor)
	if err != nil {
		return nil, "", fmt.Errorf("list conversations: %w", err)
	}
	return cs, next, nil
}

// Conversation returns one of the asker's conversations with its turns; someone else's is
// ErrNotFound, exactly like one that does not exist.
func (s *Service) Conversation(ctx context.Context, id string) (Conversation, error) {
	who, err := owner(ctx)
	if err != nil {
		return Conversation{}, err
	}
	c, err := s.store.Conversation(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && c.Owner != who) {
		return Conversation{}, errkind.Errorf(ErrNotFound, "conversation %q not found", id)
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("read conversation %q: %w", id, err)
	}
	return c, nil
}

// Feedback stores the asker's rating (+1 or -1, with an optional comment) of one turn of
// their conversation.
func (s *Service) Feedback(ctx context.Context, f Feedback) error {
	if f.Rating != 1 && f.Rating != -1 {
		return errkind.Errorf(ErrInvalid, "rating %d: want 1 (up) or -1 (down)", f.Rating)
	}
	if utf8.RuneCountInString(f.Comment) > maxComment {
		return errkind.Errorf(ErrInvalid, "comment is longer than %d characters", maxComment)
	}
	c, err := s.Conversation(ctx, f.ConversationID)
	if err != nil {
		return err
	}
	if f.Turn < 0 || f.Turn >= len(c.Turns) {
		return errkind.Errorf(ErrInvalid, "turn %d: the conversation has %d turns", f.Turn, len(c.Turns))
	}
	f.Owner, f.At, f.Comment = c.Owner, s.now().UTC(), strings.TrimSpace(f.Comment)
	if err := s.store.AddFeedback(ctx, f); err != nil {
		return fmt.Errorf("store feedback: %w", err)
	}
	return nil
}

// checkMessage trims a question and checks its length.
func checkMessage(m string) (string, error) {
	m = strings.TrimSpace(m)
	switch n := utf8.RuneCountInString(m); {
	case n == 0:
		return "", errkind.Errorf(ErrInvalid, "message is empty")
	case n > MaxMessage:
		return "", errkind.Errorf(ErrInvalid, "message has %d characters, more than the %d allowed", n, MaxMessage)
	case !utf8.ValidString(m):
		return "", errkind.Errorf(ErrInvalid, "message is not valid UTF-8")
	}
	return m, nil
}

// newID returns a random conversation id.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// titleOf shortens a first question to a conversation title.
func titleOf(m string) string {
	m = strings.Join(strings.Fields(m), " ")
	if utf8.RuneCountInString(m) <= 80 {
		return m
	}
	r := []rune(m)[:79]
	return strings.TrimSpace(string(r)) + "…"
}
