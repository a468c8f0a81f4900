package mcp

import (
	"context"
	"encoding/json"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/errkind"
)

// Bounds of the native tools' inputs.
const (
	maxQuery     = 500 // characters of a search query or ref
	maxRelDepth  = 3   // hops of a relation walk
	maxRelatives = 200 // entities a relation walk returns
)

// native are the portal's own tools: search, get_entity, related and ask.
func (t *tools) native() []toolDef {
	return []toolDef{
		{&sdk.Tool{Name: "search", Title: "Search the portal", Annotations: readOnly,
			Description: "Hybrid (keyword and semantic) search over the catalog and its docs: entities, runbooks, " +
				"decision records, READMEs. Returns the best matches with a snippet and a link.",
			InputSchema: schema(map[string]any{"query": str("what to look for"),
				"limit": map[string]any{"type": "integer", "minimum": 1, "maximum": 50, "description": "results to return (default 10)"}}, "query")},
			t.search},
		{&sdk.Tool{Name: "get_entity", Title: "Get a catalog entity", Annotations: readOnly,
			Description: "Returns one catalog entity by its ref, kind:namespace/name (e.g. component:default/payments-api; " +
				"kind defaults to component and namespace to default).",
			InputSchema: schema(map[string]any{"ref": str("the entity ref")}, "ref")},
			t.getEntity},
		{&sdk.Tool{Name: "related", Title: "Walk an entity's relations", Annotations: readOnly,
			Description: "Walks the relations of a catalog entity (ownedBy, dependsOn, partOf, providesApi, …) up to depth hops " +
				"and returns each related entity with the relation that reached it.",
			InputSchema: schema(map[string]any{"ref": str("the entity ref to start from"),
				"relation": str("only follow this relation type, e.g. dependsOn (default: all)"),
				"depth":    map[string]any{"type": "integer", "minimum": 1, "maximum": maxRelDepth, "description": "hops (default 1)"}}, "ref")},
			t.related},
		{&sdk.Tool{Name: "ask", Title: "Ask the portal's assistant", Annotations: changes,
			Description: "Asks the portal's assistant a question in plain language; it answers from the catalog and docs " +
				"with numbered citations, or says it does not know. Pass conversation_id to ask a follow-up.",
			InputSchema: schema(map[string]any{"question": str("the question"),
				"conversation_id": str("continue this conversation (from a previous answer)")}, "question")},
			t.ask},
	}
}

// parseRef reads an entity ref with the given defaults, bounded.
func parseRef(s, defKind string) (catalog.Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxQuery {
		return catalog.Ref{}, errkind.Errorf(errkind.Invalid, "ref must be 1 to %d characters", maxQuery)
	}
	r, err := catalog.ParseRef(s, defKind, catalog.DefaultNamespace)
	if err != nil {
		return catalog.Ref{}, errkind.Errorf(errkind.Invalid, "ref %q is not kind:namespace/name", s)
	}
	return r, nil
}

func (t *tools) search(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		Query string `json:"query"`
		Limit int    `json:"limit"`
	}
	if err := decode("search", args, &a); err != nil {
		return nil, "", err
	}
	a.Query = strings.TrimSpace(a.Query)
	switch {
	case a.Query == "" || len(a.Query) > maxQuery:
		return nil, "", errkind.Errorf(errkind.Invalid, "search: query must be 1 to %d characters", maxQuery)
	case a.Limit < 0 || a.Limit > 50:
		return nil, "", errkind.Errorf(errkind.Invalid, "search: limit %d: want 1 to 50", a.Limit)
	case a.Limit == 0:
		a.Limit = 10
	}
	if t.d.Search == nil {
		return nil, "", errkind.Errorf(errkind.Unavailable, "search is not available on this server")
	}
	res, err := t.d.Search.Search(ctx, indexer.Query{Text: a.Query, Limit: a.Limit})
	if err != nil {
		return nil, "", err
	}
	type hit struct {
		Title     string  `json:"title"`
		Kind      string  `json:"kind"`
		EntityRef string  `json:"entityRef,omitempty"`
		URL       string  `json:"url"`
		Snippet   string  `json:"snippet"`
		Score     float64 `json:"score"`
	}
	hits := []hit{}
	var text strings.Builder
	for i, r := range res.Results {
		h := hit{Title: r.Title, Kind: r.Kind, EntityRef: r.EntityRef, URL: t.link(r.URL), Snippet: r.Snippet, Score: r.Score}
		hits = append(hits, h)
		text.WriteString(strings.TrimSpace(strings.Join([]string{itoa(i+1) + ". " + h.Title + " (" + h.URL + ")", h.Snippet}, "\n   ")) + "\n")
	}
	if len(hits) == 0 {
		text.WriteString("No results.")
	}
	return map[string]any{"results": hits, "total": res.Total}, text.String(), nil
}

func (t *tools) getEntity(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		Ref string `json:"ref"`
	}
	if err := decode("get_entity", args, &a); err != nil {
		return nil, "", err
	}
	r, err := parseRef(a.Ref, "component")
	if err != nil {
		return nil, "", err
	}
	e, err := t.d.Catalog.EntityByRef(ctx, r)
	if err != nil {
		return nil, "", err
	}
	return e, "", nil
}

// relative is one entity a relation walk reached.
type relative struct {
	Ref      string `json:"ref"`
	Relation string `json:"relation"` // the relation type that reached it
	From     string `json:"from"`     // the entity it is related to
	Depth    int    `json:"depth"`
	Title    string `json:"title,omitempty"`
	URL      string `json:"url"`
}

func (t *tools) related(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		Ref      string `json:"ref"`
		Relation string `json:"relation"`
		Depth    int    `json:"depth"`
	}
	if err := decode("related", args, &a); err != nil {
		return nil, "", err
	}
	switch {
	case a.Depth < 0 || a.Depth > maxRelDepth:
		return nil, "", errkind.Errorf(errkind.Invalid, "related: depth %d: want 1 to %d", a.Depth, maxRelDepth)
	case a.Depth == 0:
		a.Depth = 1
	}
	r, err := parseRef(a.Ref, "component")
	if err != nil {
		return nil, "", err
	}
	start, err := t.d.Catalog.EntityByRef(ctx, r)
	if err != nil {
		return nil, "", err
	}
	seen := map[string]bool{strings.ToLower(start.Ref().String()): true}
	frontier := []*catalog.Entity{&start}
	out := []relative{}
	for depth := 1; depth <= a.Depth && len(frontier) > 0 && len(out) < maxRelatives; depth++ {
		var next []*catalog.Entity
		for _, e := range frontier {
			from := strings.ToLower(e.Ref().String())
			var targets []string
			types := map[string]string{}
			for _, rel := range e.Relations {
				tr := strings.ToLower(rel.TargetRef)
				if (a.Relation != "" && !strings.EqualFold(rel.Type, a.Relation)) || seen[tr] {
					continue
				}
				if _, ok := types[tr]; !ok {
					targets = append(targets, tr)
				}
				types[tr] = rel.Type
			}
			if len(targets) == 0 {
				continue
			}
			// Only what the caller may see comes back: a hidden target is skipped, exactly
			// like one that does not exist.
			es, err := t.d.Catalog.EntitiesByRefs(ctx, targets, catalog.Filter{})
			if err != nil {
				return nil, "", err
			}
			for _, te := range es {
				if te == nil {
					continue
				}
				ref := strings.ToLower(te.Ref().String())
				if seen[ref] || len(out) >= maxRelatives {
					continue
				}
				seen[ref] = true
				out = append(out, relative{Ref: ref, Relation: types[ref], From: from, Depth: depth,
					Title: te.Metadata.Title, URL: t.link(entityPath(te.Ref()))})
				next = append(next, te)
			}
		}
		frontier = next
	}
	var text strings.Builder
	for _, rl := range out {
		text.WriteString(rl.From + " " + rl.Relation + " " + rl.Ref + "\n")
	}
	if len(out) == 0 {
		text.WriteString("No related entities.")
	}
	return map[string]any{"ref": strings.ToLower(start.Ref().String()), "related": out}, text.String(), nil
}

// entityPath is an entity's portal page.
func entityPath(r catalog.Ref) string {
	ns := r.Namespace
	if ns == "" {
		ns = catalog.DefaultNamespace
	}
	return "/catalog/" + strings.ToLower(ns) + "/" + strings.ToLower(r.Kind) + "/" + r.Name
}

func (t *tools) ask(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		Question       string `json:"question"`
		ConversationID string `json:"conversation_id"`
	}
	if err := decode("ask", args, &a); err != nil {
		return nil, "", err
	}
	if t.d.Assistant == nil {
		return nil, "", errkind.Errorf(errkind.Unavailable, "the assistant is not available on this server")
	}
	ans, err := t.d.Assistant.Ask(ctx, assistant.Question{Message: a.Question, ConversationID: a.ConversationID}, nil)
	if err != nil {
		return nil, "", err
	}
	for i := range ans.Citations {
		ans.Citations[i].URL = t.link(ans.Citations[i].URL)
	}
	if ans.Citations == nil {
		ans.Citations = []assistant.Citation{}
	}
	text := ans.Answer
	for _, c := range ans.Citations {
		text += "\n[" + itoa(c.N) + "] " + c.Title + " " + c.URL
	}
	return ans, text, nil
}

// sources lists a registry tool's sources with absolute links.
func (t *tools) sources(ss []assistant.Source) []map[string]string {
	out := []map[string]string{}
	for _, s := range ss {
		out = append(out, map[string]string{"kind": s.Kind, "ref": s.Ref, "title": s.Title, "url": t.link(s.URL)})
	}
	return out
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
