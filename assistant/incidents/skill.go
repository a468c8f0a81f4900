// Package incidents is the assistant's incident skill: "incidents of X", "has X had
// incidents like this before", "what fixed it last time", answered from the incident
// service with every incident cited.
package incidents

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// Skill answers questions about an entity's incidents. It implements assistant.Skill.
type Skill struct {
	svc *incident.Service
}

var _ assistant.Skill = (*Skill)(nil)

// New returns the skill over svc.
func New(svc *incident.Service) *Skill { return &Skill{svc: svc} }

// shown is how many incidents one answer cites.
const shown = 3

// Name is the tool's name.
func (*Skill) Name() string { return "incident_history" }

// Description tells a model when to use the tool.
func (*Skill) Description() string {
	return "Past and open incidents of a catalog entity (given by ref), most relevant first, with their root " +
		"cause and what fixed them. Use for questions like \"has payments-api had incidents like this before?\" " +
		"or \"what fixed it last time?\"; an optional query narrows to incidents like it."
}

// Parameters is the JSON Schema of Call's arguments.
func (*Skill) Parameters() json.RawMessage {
	return json.RawMessage(`{"type":"object","properties":{"entity":{"type":"string","description":"entity ref, e.g. component:default/payments-api"},"query":{"type":"string","description":"what the incident was like"}},"required":["entity"]}`)
}

// Phrasings are the questions the local pipeline routes to the skill.
func (*Skill) Phrasings() []string {
	return []string{
		"incidents of x", "past incidents of x", "recent incidents of x", "open incidents of x",
		"has x had incidents before", "has x had incidents like this before", "has x had an incident like this",
		"has this happened before to x", "has this happened to x before", "did x have an outage before",
		"what fixed x last time", "what fixed the x incident last time", "how was the x incident fixed",
		"what was the root cause of the last x incident", "postmortems of x",
	}
}

// Call runs the skill as a tool.
func (s *Skill) Call(ctx context.Context, args json.RawMessage) (assistant.ToolResult, error) {
	var a struct {
		Entity string `json:"entity"`
		Query  string `json:"query"`
	}
	if err := json.Unmarshal(args, &a); err != nil || strings.TrimSpace(a.Entity) == "" {
		return assistant.ToolResult{}, errkind.Errorf(assistant.ErrInvalid, "incident_history: want {\"entity\": \"kind:namespace/name\"}")
	}
	r, err := catalog.ParseRef(a.Entity, "component", "default")
	if err != nil {
		return assistant.ToolResult{}, errkind.Errorf(assistant.ErrInvalid, "incident_history: entity %.80q is not an entity ref", a.Entity)
	}
	ans, err := s.Answer(ctx, r.String(), a.Query)
	if err != nil {
		return assistant.ToolResult{}, err
	}
	var b strings.Builder
	for _, f := range ans.Facts {
		b.WriteString(f.Text)
		b.WriteString("\n")
	}
	return assistant.ToolResult{Text: b.String(), Sources: ans.Sources}, nil
}

// Answer finds the subject's incidents the caller may see, ranks them by how much they
// share the question's words (and an open incident's, for "like this"), and states each
// with its date, root cause and resolution. With no subject it searches every incident
// by the question.
func (s *Skill) Answer(ctx context.Context, subject, question string) (assistant.SkillAnswer, error) {
	var list []incident.Incident
	var err error
	if subject != "" {
		list, err = s.svc.List(ctx, incident.Query{Entity: subject, Limit: 200})
	} else {
		list, err = s.svc.Similar(ctx, incident.Incident{Title: question}, shown)
	}
	if err != nil {
		return assistant.SkillAnswer{}, fmt.Errorf("incidents of %s: %w", subject, err)
	}
	if len(list) == 0 {
		return assistant.SkillAnswer{}, nil
	}
	q := terms(question)
	// "Like this": an incident still open is what the asker is looking at.
	var current *incident.Incident
	for i := range list {
		if list[i].Status != incident.StatusResolved && (current == nil || list[i].OpenedAt.After(current.OpenedAt)) {
			current = &list[i]
		}
	}
	if current != nil {
		q = append(q, terms(current.Title+" "+current.Summary)...)
	}
	fixing := strings.Contains(strings.ToLower(question), "fix") || strings.Contains(strings.ToLower(question), "resol")
	type scored struct {
		inc   incident.Incident
		score float64
	}
	var ranked []scored
	for _, inc := range list {
		if current != nil && inc.ID == current.ID {
			continue
		}
		sc := overlap(q, terms(incident.SimilarityText(inc)))
		if inc.Resolution != "" {
			sc += 0.1 // a past incident that says how it was fixed is worth more
		}
		ranked = append(ranked, scored{inc, sc})
	}
	slices.SortStableFunc(ranked, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return b.inc.OpenedAt.Compare(a.inc.OpenedAt)
	})
	if fixing {
		// "What fixed it last time": the latest incidents that say how they were fixed.
		slices.SortStableFunc(ranked, func(a, b scored) int {
			if (a.inc.Resolution != "") != (b.inc.Resolution != "") {
				if a.inc.Resolution != "" {
					return -1
				}
				return 1
			}
			return b.inc.OpenedAt.Compare(a.inc.OpenedAt)
		})
	}
	var ans assistant.SkillAnswer
	name := subject
	if _, n, ok := strings.Cut(subject, "/"); ok {
		name = n
	}
	if current != nil {
		ans.Sources = append(ans.Sources, source(*current))
		ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("%s has an incident %s now: %s (%s, since %s).",
			name, current.Status, current.Title, current.Severity, current.OpenedAt.Format("2006-01-02 15:04 MST")), Sources: []int{1}})
	}
	if len(ranked) == 0 {
		return ans, nil
	}
	if name != "" && current != nil {
		ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("%s had %d earlier incident(s); the most similar:", name, len(ranked))})
	} else if name != "" && fixing {
		ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("%s had %d incident(s) on record; the latest that say what fixed them:", name, len(ranked))})
	} else if name != "" {
		ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("Yes: %s had %d incident(s) on record; the most relevant:", name, len(ranked))})
	}
	for i, r := range ranked {
		if i == shown || (fixing && (i == 2 || r.inc.Resolution == "")) {
			break
		}
		ans.Sources = append(ans.Sources, source(r.inc))
		ans.Facts = append(ans.Facts, assistant.Fact{Text: describe(r.inc), Sources: []int{len(ans.Sources)}})
	}
	return ans, nil
}

// describe states one past incident: when, what, why and what fixed it.
func describe(inc incident.Incident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "On %s: %s (%s, %s).", inc.OpenedAt.Format("2006-01-02"), inc.Title, inc.Severity, inc.Status)
	if rc := firstSentences(inc.RootCause, 2); rc != "" {
		fmt.Fprintf(&b, " Root cause: %s", rc)
	}
	if fix := firstSentences(inc.Resolution, 2); fix != "" {
		fmt.Fprintf(&b, " Fixed by: %s", fix)
	} else if inc.Summary != "" {
		fmt.Fprintf(&b, " %s", firstSentences(inc.Summary, 1))
	}
	return b.String()
}

// source is an incident as the assistant cites it.
func source(inc incident.Incident) assistant.Source {
	text := inc.Title
	for _, part := range []struct{ label, text string }{{"Summary", inc.Summary}, {"Root cause", inc.RootCause}, {"Resolution", inc.Resolution}} {
		if part.text != "" {
			text += "\n" + part.label + ": " + part.text
		}
	}
	return assistant.Source{Kind: "incident", Ref: inc.Ref(), Title: inc.Title, URL: inc.URL(), Text: text}
}

// firstSentences returns the first n sentences of s, markdown list markers dropped.
func firstSentences(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n- ", " ")), " ")
	s = strings.TrimPrefix(s, "- ")
	end := 0
	for i := 0; i < n; i++ {
		j := strings.Index(s[end:], ". ")
		if j < 0 {
			return s
		}
		end += j + 2
	}
	return strings.TrimSpace(s[:end])
}

// stop are words that say nothing about what an incident was like.
var stop = map[string]bool{"has": true, "had": true, "have": true, "the": true, "this": true, "that": true, "like": true,
	"before": true, "incident": true, "incidents": true, "what": true, "fixed": true, "last": true, "time": true,
	"was": true, "and": true, "for": true, "with": true, "did": true, "any": true, "happened": true, "from": true}

// terms are the lowercased words of s of three letters or more, stop words left out.
func terms(s string) []string {
	var out []string
	for w := range strings.FieldsFuncSeq(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) >= 3 && !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

// overlap is the share of q's distinct terms found in doc.
func overlap(q, doc []string) float64 {
	if len(q) == 0 {
		return 0
	}
	have := map[string]bool{}
	for _, w := range doc {
		have[w] = true
	}
	seen := map[string]bool{}
	hit := 0
	for _, w := range q {
		if !seen[w] {
			seen[w] = true
			if have[w] {
				hit++
			}
		}
	}
	return float64(hit) / float64(len(seen))
}
