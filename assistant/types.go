package assistant

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Sentinel errors of the assistant. The HTTP layer maps them to status codes.
var (
	// ErrNotFound means the conversation does not exist or belongs to someone else. (404)
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	// ErrInvalid means malformed input: an empty or over-long message, a bad rating. (400)
	ErrInvalid = errkind.New(errkind.Invalid, "invalid input")
	// ErrUnavailable means a configured model could not be reached and nothing could answer. (503)
	ErrUnavailable = errkind.New(errkind.Unavailable, "unavailable")
)

// Question is one turn asked of the assistant. The asker is auth.FromContext(ctx).
type Question struct {
	Message string
	// ConversationID continues a conversation of the asker; empty starts a new one.
	ConversationID string
}

// Source is something retrieved in this turn that an answer may cite: an entity, a document
// section, and (with later capabilities) an incident or a cost row.
type Source struct {
	Kind  string `json:"kind"`  // "entity", "doc", "incident", "cost", …
	Ref   string `json:"ref"`   // entity: kind:namespace/name; doc: the search document id
	Title string `json:"title"` // what a reader sees: an entity's name/title, a doc's page and heading
	URL   string `json:"url"`   // the portal page, with #anchor for a doc section
	Text  string `json:"text"`  // the text an answer may draw on
}

// Citation is a numbered marker [N] of an answer that resolves to a Source of the same turn.
type Citation struct {
	N     int    `json:"n"`
	Ref   string `json:"ref"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Answer is the assistant's reply to a Question, as the API returns it.
type Answer struct {
	ConversationID string     `json:"conversation_id"`
	Answer         string     `json:"answer"`
	Abstained      bool       `json:"abstained"`
	Citations      []Citation `json:"citations"`
	// Composer names what composed the answer: "local" or "openai:<model>".
	Composer string `json:"composer"`
	// Notice tells the user something about how the answer was made, e.g. that the configured
	// model was unreachable and the local composer answered instead.
	Notice string `json:"notice,omitempty"`
}

// EventKind names one step of a streamed answer.
type EventKind string

// The streamed event kinds; they are also the SSE event names.
const (
	EventToken    EventKind = "token"    // a piece of answer text
	EventCitation EventKind = "citation" // a citation, once its marker has been verified
	EventDone     EventKind = "done"     // the final Answer
	EventError    EventKind = "error"    // a message for the user; nothing follows
)

// Event is one step of a streamed answer.
type Event struct {
	Kind     EventKind
	Token    string    // EventToken
	Citation *Citation // EventCitation
	Answer   *Answer   // EventDone
	Err      string    // EventError
}

// Emit receives streamed events in order; an error it returns (the client went away) stops
// the answer.
type Emit func(Event) error

// Turn is one question and its answer in a stored conversation.
type Turn struct {
	Question string `json:"question"`
	Answer   Answer `json:"answer"`
	// Focus lists the entity refs the turn was about, so a follow-up ("and who is on that
	// team?") can resolve "that team" against it.
	Focus []string  `json:"focus,omitempty"`
	At    time.Time `json:"at"`
}

// Conversation is one user's thread of turns.
type Conversation struct {
	ID      string    `json:"id"`
	Owner   string    `json:"owner"` // auth.Principal.Subject of the asker
	Title   string    `json:"title"` // the first question, shortened
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Turns   []Turn    `json:"turns,omitempty"`
}

// Feedback is a user's rating of one answer, kept for evals.
type Feedback struct {
	ConversationID string    `json:"conversation_id"`
	Turn           int       `json:"turn"`   // 0-based index into Conversation.Turns
	Rating         int       `json:"rating"` // +1 (up) or -1 (down)
	Comment        string    `json:"comment,omitempty"`
	Owner          string    `json:"owner"`
	At             time.Time `json:"at"`
}

// Store keeps conversations and feedback. The store adapter implements it for both engines.
type Store interface {
	// CreateConversation stores a new conversation without turns.
	CreateConversation(ctx context.Context, c Conversation) error
	// AppendTurn adds a turn to a conversation and sets its Updated time.
	AppendTurn(ctx context.Context, conversationID string, t Turn) error
	// Conversation returns one conversation with its turns, or ErrNotFound.
	Conversation(ctx context.Context, id string) (Conversation, error)
	// Conversations lists an owner's conversations without turns, newest first, a page of at
	// most limit after the opaque cursor ("" for the first page); it returns the next cursor.
	Conversations(ctx context.Context, owner string, limit int, cursor string) ([]Conversation, string, error)
	// AddFeedback stores a rating of one turn.
	AddFeedback(ctx context.Context, f Feedback) error
}

// Tool is something the assistant can call to gather sources: a catalog lookup, a relation
// walk, a search, and later incidents, anomalies and costs. It runs as the principal in ctx
// and must return only what that principal may see.
type Tool interface {
	Name() string
	// Description tells a model when to use the tool.
	Description() string
	// Parameters is the JSON Schema of the arguments object.
	Parameters() json.RawMessage
	// Call runs the tool with arguments matching Parameters.
	Call(ctx context.Context, args json.RawMessage) (ToolResult, error)
}

// ToolResult is what a tool found: text for a model to read and the sources it came from.
type ToolResult struct {
	Text    string
	Sources []Source
}

// Registry holds the tools the assistant may call. Capabilities register their tools at
// wiring time; the pipeline and composers read the registry and never name a tool's package.
type Registry struct {
	mu    sync.RWMutex
	tools map[string]Tool
}

// NewRegistry returns a registry holding tools.
func NewRegistry(tools ...Tool) *Registry {
	r := &Registry{tools: map[string]Tool{}}
	for _, t := range tools {
		r.Register(t)
	}
	return r
}

// Register adds t, replacing a tool of the same name.
func (r *Registry) Register(t Tool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tools[t.Name()] = t
}

// Tool returns the tool called name.
func (r *Registry) Tool(name string) (Tool, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.tools[name]
	return t, ok
}

// Tools returns every registered tool, ordered by name.
func (r *Registry) Tools() []Tool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Tool, 0, len(r.tools))
	for _, t := range r.tools {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Composer turns a question and its gathered sources into a cited answer.
type Composer interface {
	// Name is "local" or "openai:<model>".
	Name() string
	// Compose writes the answer, calling emit with each piece of text as it is ready.
	Compose(ctx context.Context, in ComposeInput, emit func(token string) error) (Composition, error)
}

// ComposeInput is what a Composer works from.
type ComposeInput struct {
	Question string
	History  []Turn
	// Facts are plain statements the pipeline established with tools ("payments-api is owned
	// by team-payments"), each citing Sources by 1-based index.
	Facts []Fact
	// Sources were gathered by the pipeline; a marker [n] refers to Sources[n-1].
	Sources []Source
	// Tools lets a planning composer (the OpenAI one) gather more; what it gathers is appended
	// to Composition.Sources.
	Tools *Registry
}

// Fact is one statement established from sources.
type Fact struct {
	Text    string
	Sources []int // 1-based indexes into ComposeInput.Sources
}

// Composition is a composed answer before its citations are verified.
type Composition struct {
	Text      string   // with [n] markers
	Sources   []Source // ComposeInput.Sources, then whatever the composer gathered itself
	Abstained bool
	// Composer names what actually composed Text when that is not the Composer that was
	// asked: a Fallback whose configured model failed sets it to the local composer's Name().
	// Empty means the Name() of the Composer asked. The pipeline copies it to Answer.Composer.
	Composer string
	// Notice is for the user about how the answer was made, e.g. "the configured model was
	// unreachable; answered by the local composer". The pipeline copies it to Answer.Notice.
	Notice string
}
