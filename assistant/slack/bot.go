package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
)

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// Asker is the assistant pipeline: *assistant.Service implements it. Every method acts as
// the principal in ctx.
type Asker interface {
	Ask(ctx context.Context, q assistant.Question, emit assistant.Emit) (assistant.Answer, error)
	Conversation(ctx context.Context, id string) (assistant.Conversation, error)
	Feedback(ctx context.Context, f assistant.Feedback) error
}

// People finds the portal user of a verified email; *auth.Service implements it. A person
// it does not know is an error of kind NotFound.
type People interface {
	PrincipalByEmail(ctx context.Context, email, via string) (auth.Principal, error)
}

// Config is how the bot reaches Slack and the portal.
type Config struct {
	SigningSecret string
	BotToken      string
	// APIURL is Slack's Web API base URL; empty means DefaultAPIURL. Tests point it at a
	// local server.
	APIURL string
	// BaseURL is the portal's public URL, for links to sources ("https://portal.example").
	BaseURL string
	// HTTPClient calls Slack (Web API and response_url); nil means one with a 30 s timeout.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Worker tuning; zero values mean the defaults in parentheses.
	PollInterval time.Duration // how often the worker looks for due jobs without a wake-up (2 s)
	Lease        time.Duration // how long a claimed job is reserved for its worker (2 min)
	MaxAttempts  int           // attempts before a job is given up (8)
	Backoff      time.Duration // the first retry's delay, doubled each attempt up to 5 min (2 s)
	UserCacheTTL time.Duration // how long a Slack user's portal identity is remembered (10 min)
}

// Bot answers Slack requests through the assistant. Its HTTP-facing methods (Command,
// Event, Interaction) only verify, record a job and acknowledge; Run answers the jobs.
type Bot struct {
	cfg     Config
	asker   Asker
	people  People
	store   Store
	api     *slackgo.Client
	verify  Verifier
	replays replays
	wake    chan struct{}

	mu    sync.Mutex
	users map[string]cachedUser // team/user -> identity
}

// New returns a bot. Asker, People and Store are required.
func New(cfg Config, asker Asker, people People, store Store) (*Bot, error) {
	if asker == nil || people == nil || store == nil {
		return nil, errors.New("slack bot: an asker, a people directory and a store are required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	defaults := []struct {
		v *time.Duration
		d time.Duration
	}{{&cfg.PollInterval, 2 * time.Second}, {&cfg.Lease, 2 * time.Minute}, {&cfg.Backoff, 2 * time.Second},
		{&cfg.UserCacheTTL, 10 * time.Minute}}
	for _, x := range defaults {
		if *x.v <= 0 {
			*x.v = x.d
		}
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	b := &Bot{cfg: cfg, asker: asker, people: people, store: store,
		api:    slackgo.New(cfg.BotToken, slackgo.OptionAPIURL(cfg.APIURL), slackgo.OptionHTTPClient(cfg.HTTPClient)),
		verify: Verifier{Secret: cfg.SigningSecret, Now: cfg.Now}, wake: make(chan struct{}, 1),
		users: map[string]cachedUser{}}
	return b, nil
}

// Reply is what an HTTP handler sends back to Slack: a status and, when Body is set, a
// JSON body.
type Reply struct {
	Status int
	Body   any
}

// check verifies a request's signature and refuses a replay of one already accepted.
func (b *Bot) check(header http.Header, body []byte) error {
	if err := b.verify.Verify(header, body); err != nil {
		return err
	}
	if !b.replays.fresh(header.Get(headerSignature), b.cfg.Now()) {
		return ErrReplayed
	}
	return nil
}

// enqueue records a job and wakes the worker; it reports whether the job is new.
func (b *Bot) enqueue(ctx context.Context, key string, r Request) (bool, error) {
	// The job must outlive the request: Slack may drop the connection once it has its ack.
	added, err := b.store.EnqueueSlackJob(context.WithoutCancel(ctx), Job{Key: key, Request: r, Created: b.cfg.Now()})
	if err != nil {
		return false, err
	}
	if added {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
	return added, nil
}
