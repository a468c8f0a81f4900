package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/nextportal/portal/internal/errkind"
	"strings"
	"sync"
)

// builtinTools are the tools the Service registers: entity lookup, relation walk and doc
// search. The pipeline calls the same code directly; a planning composer calls the tools.
func (s *Service) builtinTools() []Tool {
	return []Tool{lookupTool{s}, relationTool{s}, docSearchTool{s}}
}

// lookupTool finds entities by ref, name, title or a near miss.
type lookupTool struct{ s *Service }

func (lookupTool) Name() string { return "catalog_lookup" }
func (lookupTool) Description() string {
	return "Find catalog entities (components, APIs, resources, systems, domains, groups, users) by ref, " +
		"name, title or an approximate name such as \"payment svc\" or a person's name. Returns the best matches."
}
func (lookupTool) Parameters() json.RawMessage {
	return json.RawMessage(`{"type":"object","properties":{"query":{"type":"string","description":"a name, title, ref or description of the entity"}},"required":["query"]}`)
}

func (t lookupTool) Call(ctx context.Context, args json.RawMessage) (ToolResult, error) {
	var a struct {
		Query string `json:"query"`
	}
	if err := json.Unmarshal(args, &a); err != nil || strings.TrimSpace(a.Query) == "" {
		return ToolResult{}, errkind.Errorf(ErrInvalid, "catalog_lookup: want {\"query\": \"…\"}")
	}
	es, err := t.s.visibleEntities(ctx)
	if err != nil {
		return ToolResult{}, err
	}
	lx := newLexicon(es)
	if e := lx.byRef[strings.ToLower(strings.TrimSpace(a.Query))]; e != nil {
		src := entitySource(e)
		return ToolResult{Text: src.Ref + ": " + src.Text, Sources: []Source{src}}, nil
	}
	var res ToolResult
	for i, m := range lx.find(words(a.Query), nil) {
		if i == 5 || m.score < minMention {
			break
		}
		src := entitySource(m.entity)
		res.Sources = append(res.Sources, src)
		res.Text += fmt.Sprintf("%s (%s): %s\n", src.Ref, strings.ToLower(m.entity.Kind), src.Text)
	}
	if len(res.Sources) == 0 {
		res.Text = "No entity matches."
	}
	return res, nil
}

// relationTool walks one relation of an entity.
type relationTool struct{ s *Service }

// relationNames are the relation argument's values.
var relationNames = []intent{intentOwner, intentOwned, intentMembers, intentGroupsOf, intentParent, intentChildren,
	intentSystem, intentDomain, intentParts, intentProvides, intentConsumes, intentProviders, intentConsumers,
	intentDependsOn, intentDependents, intentLifecycle, intentType, intentLinks, intentDescribe}

func (relationTool) Name() string { return "catalog_relation" }
func (relationTool) Description() string {
	return "Answer a relationship question about one catalog entity given by ref (kind:namespace/name): " +
		"its owner, what a group owns, members of a group, groups of a user, parent or child groups, system, " +
		"domain, parts of a system, APIs provided or consumed, providers or consumers of an API, dependencies " +
		"in both directions, lifecycle, type, links, or a description."
}
func (relationTool) Parameters() json.RawMessage {
	names := make([]string, len(relationNames))
	for i, n := range relationNames {
		names[i] = `"` + string(n) + `"`
	}
	return json.RawMessage(`{"type":"object","properties":{"ref":{"type":"string","description":"entity ref, kind:namespace/name"},` +
		`"relation":{"type":"string","enum":[` + strings.Join(names, ",") + `]}},"required":["ref","relation"]}`)
}

func (t relationTool) Call(ctx context.Context, args json.RawMessage) (ToolResult, error) {
	var a struct {
		Ref      string `json:"ref"`
		Relation string `json:"relation"`
	}
	if err := json.Unmarshal(args, &a); err != nil || a.Ref == "" {
		return ToolResult{}, errkind.Errorf(ErrInvalid, "catalog_relation: want {\"ref\", \"relation\"}")
	}
	in := intent(a.Relation)
	if !containsIntent(relationNames, in) {
		return ToolResult{}, errkind.Errorf(ErrInvalid, "catalog_relation: unknown relation %q", a.Relation)
	}
	e, err := t.s.entity(ctx, a.Ref)
	if err != nil {
		return ToolResult{}, err
	}
	if e == nil {
		return ToolResult{Text: "No such entity."}, nil
	}
	var ss sourceSet
	r, err := t.s.walk(ctx, e, in, &ss)
	if err != nil {
		return ToolResult{}, err
	}
	return factsResult(r.facts, ss.list), nil
}

func containsIntent(list []intent, in intent) bool {
	for _, x := range list {
		if x == in {
			return true
		}
	}
	return false
}

// factsResult is a ToolResult of facts: each fact with its sources' refs.
func factsResult(facts []Fact, srcs []Source) ToolResult {
	var b strings.Builder
	for _, f := range facts {
		b.WriteString(f.Text)
		var refs []string
		for _, n := range f.Sources {
			refs = append(refs, srcs[n-1].Ref)
		}
		if len(refs) > 0 {
			b.WriteString(" (from " + strings.Join(refs, ", ") + ")")
		}
		b.WriteString("\n")
	}
	return ToolResult{Text: b.String(), Sources: srcs}
}

// docSearchTool searches the docs.
type docSearchTool struct{ s *Service }

func (docSearchTool) Name() string { return "doc_search" }
func (docSearchTool) Description() string {
	return "Search the documentation (runbooks, decision records, READMEs, docs folders) and catalog with " +
		"hybrid search; returns the best sections with their text and links."
}
func (docSearchTool) Parameters() json.RawMessage {
	return json.RawMessage(`{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":10}},"required":["query"]}`)
}

func (t docSearchTool) Call(ctx context.Context, args json.RawMessage) (ToolResult, error) {
	var a struct {
		Query string `json:"query"`
		Limit int    `json:"limit"`
	}
	if err := json.Unmarshal(args, &a); err != nil || strings.TrimSpace(a.Query) == "" {
		return ToolResult{}, errkind.Errorf(ErrInvalid, "doc_search: want {\"query\": \"…\"}")
	}
	if a.Limit < 1 || a.Limit > 10 {
		a.Limit = docHits
	}
	secs, err := t.s.searchSections(ctx, a.Query, nil, a.Limit)
	if err != nil {
		return ToolResult{}, err
	}
	var res ToolResult
	var b strings.Builder
	for _, sec := range secs {
		src := sectionSource(sec)
		res.Sources = append(res.Sources, src)
		fmt.Fprintf(&b, "## %s (%s)\n%s\n\n", src.Title, src.Ref, src.Text)
	}
	res.Text = b.String()
	if len(secs) == 0 {
		res.Text = "Nothing found."
	}
	return res, nil
}

// recorder wraps tools to remember every source they returned in this turn, so citations
// of what a composer gathered can be checked.
type recorder struct {
	mu   sync.Mutex
	list []Source        // distinct sources the tools returned that the pipeline had not
	seen map[string]bool // keys of the pipeline's sources and of list
}

// newRecorder returns a recorder of what tools add to the pipeline's sources.
func newRecorder(pipeline []Source) *recorder {
	r := &recorder{seen: map[string]bool{}}
	for _, s := range pipeline {
		r.seen[sourceKey(s)] = true
	}
	return r
}

// wrap returns a registry of r's recording versions of reg's tools.
func (r *recorder) wrap(reg *Registry) *Registry {
	out := NewRegistry()
	for _, t := range reg.Tools() {
		out.Register(recordingTool{Tool: t, r: r})
	}
	return out
}

// at returns the n-th (1-based) distinct source recorded.
func (r *recorder) at(n int) (Source, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n < 1 || n > len(r.list) {
		return Source{}, false
	}
	return r.list[n-1], true
}

// retrieved reports whether src was retrieved in this turn: by the pipeline or by a tool.
func (r *recorder) retrieved(src Source, pipeline []Source) bool {
	k := sourceKey(src)
	for _, p := range pipeline {
		if sourceKey(p) == k {
			return true
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[k]
}

type recordingTool struct {
	Tool
	r *recorder
}

func (t recordingTool) Call(ctx context.Context, args json.RawMessage) (ToolResult, error) {
	res, err := t.Tool.Call(ctx, args)
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	for _, s := range res.Sources {
		if k := sourceKey(s); !t.r.seen[k] {
			t.r.seen[k] = true
			t.r.list = append(t.r.list, s)
		}
	}
	return res, err
}
