package mcp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/errkind"
)

// Catalog is what the tools read and change of the catalog; *catalog.Service implements
// it, applying the visibility of the principal in ctx.
type Catalog interface {
	EntityByRef(ctx context.Context, ref catalog.Ref) (catalog.Entity, error)
	EntitiesByRefs(ctx context.Context, refs []string, filter catalog.Filter) ([]*catalog.Entity, error)
	Query(ctx context.Context, q catalog.Query) (catalog.Page, error)
	ValidateEntity(ctx context.Context, raw map[string]any, location string) error
	AddLocation(ctx context.Context, typ, target string, dryRun bool) (catalog.AddLocationResult, error)
	Location(ctx context.Context, id string) (catalog.Location, error)
	DeleteLocation(ctx context.Context, id string) error
}

// Search is the search index; *indexer.Service implements it.
type Search interface {
	Search(ctx context.Context, q indexer.Query) (*indexer.Results, error)
}

// Asker is the assistant pipeline; *assistant.Service implements it.
type Asker interface {
	Ask(ctx context.Context, q assistant.Question, emit assistant.Emit) (assistant.Answer, error)
}

// Deps are what the server is built from. Catalog is required; a nil Search or Assistant
// makes their tools answer that they are off.
type Deps struct {
	Catalog   Catalog
	Search    Search
	Assistant Asker
	// Tools is the assistant's registry; each of its tools is served under its own name.
	Tools *assistant.Registry
	// ParsePredicate reads a Backstage filter predicate ({"kind": "Component", "$any":
	// […]}) into a catalog filter, for query-catalog-entities; nil refuses predicates.
	ParsePredicate func(raw json.RawMessage) (catalog.Filter, error)
	// CatalogChanged is called after a tool registered or unregistered a location.
	CatalogChanged func()
	// DryRunTemplate dry-runs a scaffolder template given as YAML with its folder's files
	// (path → content), as the caller; nil answers dry-run-template as unavailable.
	DryRunTemplate func(ctx context.Context, templateYAML string, values map[string]any, files map[string]string) (any, error)
	// BaseURL is the portal's public URL, for links in results.
	BaseURL string
	Version string
	Logger  *slog.Logger
}

// principalKey is where the verified principal travels in the SDK's token info.
const principalKey = "portal.principal"

// NewServer returns the MCP server with every tool.
func NewServer(d Deps) *sdk.Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := sdk.NewServer(&sdk.Implementation{Name: "nextportal", Title: "NEXT Portal", Version: d.Version},
		&sdk.ServerOptions{Logger: d.Logger,
			Instructions: "NEXT Portal: a developer portal's software catalog, docs and assistant. " +
				"Every tool answers with what your token's user may see."})
	t := &tools{d: d}
	for _, tl := range t.all() {
		s.AddTool(tl.tool, t.wrap(tl.tool.Name, tl.run))
	}
	return s
}

// Handler serves the server over streamable HTTP. Every request must carry a bearer
// token; principalOf turns it into the caller (nil: the principal the portal's
// middleware already put in the request context, as api does), and a caller who is not
// authenticated is answered 401.
func Handler(d Deps, principalOf func(ctx context.Context, token string, r *http.Request) (auth.Principal, error)) http.Handler {
	if principalOf == nil {
		principalOf = func(_ context.Context, _ string, r *http.Request) (auth.Principal, error) {
			return auth.FromContext(r.Context()), nil
		}
	}
	h := sdk.NewStreamableHTTPHandler(newServerCache(d).server,
		&sdk.StreamableHTTPOptions{Stateless: true, JSONResponse: true, Logger: d.Logger})
	verify := func(ctx context.Context, token string, r *http.Request) (*sdkauth.TokenInfo, error) {
		p, err := principalOf(ctx, token, r)
		if err != nil || !p.IsAuthenticated() {
			return nil, sdkauth.ErrInvalidToken
		}
		// Portal tokens are checked on every request; the SDK's own expiry check would
		// need one, so it gets a moment past now.
		return &sdkauth.TokenInfo{UserID: string(p.Kind) + ":" + p.Subject, Expiration: time.Now().Add(time.Minute),
			Extra: map[string]any{principalKey: p}}, nil
	}
	return sdkauth.RequireBearerToken(verify, nil)(h)
}

// serverCache holds the server, rebuilt when the registry's tools change: capabilities may
// register tools after the HTTP server was built.
type serverCache struct {
	d   Deps
	mu  sync.Mutex
	key string
	srv *sdk.Server
}

func newServerCache(d Deps) *serverCache { return &serverCache{d: d} }

// server returns the server for the registry as it is now.
func (c *serverCache) server(*http.Request) *sdk.Server {
	var names []string
	if c.d.Tools != nil {
		for _, t := range c.d.Tools.Tools() {
			names = append(names, t.Name())
		}
	}
	key := strings.Join(names, ",")
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv == nil || key != c.key {
		c.srv, c.key = NewServer(c.d), key
	}
	return c.srv
}

// principalOf returns the caller of a tool call, as the bearer check established it.
func principalOf(req *sdk.CallToolRequest) (auth.Principal, error) {
	if req.Extra != nil && req.Extra.TokenInfo != nil {
		if p, ok := req.Extra.TokenInfo.Extra[principalKey].(auth.Principal); ok && p.IsAuthenticated() {
			return p, nil
		}
	}
	return auth.Principal{}, errkind.Errorf(auth.ErrUnauthenticated, "the MCP server needs a portal API token")
}

// errorResult is a tool's failure as MCP reports it: a result marked as an error, with
// the message a client may read (never driver text).
func errorResult(err error) *sdk.CallToolResult {
	msg := errkind.Message(err)
	if msg == "" {
		msg = map[errkind.Kind]string{errkind.NotFound: "not found", errkind.Invalid: "invalid input",
			errkind.Forbidden: "not allowed", errkind.Unauthenticated: "not authenticated",
			errkind.Unavailable: "unavailable, try again later", errkind.Conflict: "conflict"}[errkind.Of(err)]
	}
	if msg == "" {
		msg = "the tool failed; try again"
	}
	return &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: msg}}}
}
