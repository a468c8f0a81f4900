package evals

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nextportal/portal/assistant"
)

// Asker answers question as the principal named as (see AssistantPrincipal), continuing
// conversationID when it is not empty.
type Asker func(ctx context.Context, as, conversationID, question string) (assistant.Answer, error)

// Supporter reports whether a citation that is not one of the question's expected sources
// still supports its answer: an entity related to the question's subject, or a page that
// holds an expected phrase. Nil counts only the expected sources.
type Supporter func(ctx context.Context, q AssistantQuestion, c assistant.Citation) (bool, error)

// PageSearcher returns the IDs of the top k distinct pages plain BM25 ranks for text: the
// reference the assistant's how-to citations are measured against.
type PageSearcher func(ctx context.Context, text string, k int) ([]string, error)

// AssistantResult is how one question was answered and judged.
type AssistantResult struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	Q          string   `json:"q"`
	Answerable bool     `json:"answerable"`
	Answer     string   `json:"answer"`
	Composer   string   `json:"composer"`
	Abstained  bool     `json:"abstained"`
	Cited      []string `json:"cited"`
	Right      bool     `json:"right"`
	Why        string   `json:"why,omitempty"` // what was wrong
	Leaked     []string `json:"leaked,omitempty"`
	// Top3 and BM25Top3 say whether the first three citations, and BM25's top three
	// pages, include a page that answers (questions with Pages only).
	Top3     *bool `json:"top3,omitempty"`
	BM25Top3 *bool `json:"bm25_top3,omitempty"`
	// supporting and cited count the citations that support the answer, of all.
	supporting, citations int
}

// judge scores one answer against its question.
func judge(q AssistantQuestion, a assistant.Answer, supports func(assistant.Citation) bool) AssistantResult {
	r := AssistantResult{ID: q.ID, Type: q.Type, Q: q.Q, Answerable: q.Answerable, Answer: a.Answer, Composer: a.Composer, Abstained: a.Abstained}
	text := strings.ToLower(a.Answer)
	cited := map[string]bool{}
	for _, c := range a.Citations {
		ref := strings.ToLower(c.Ref)
		r.Cited = append(r.Cited, c.Ref)
		cited[ref] = true
	}
	var why []string
	for _, e := range q.Entities {
		if !cited[strings.ToLower(e)] && !named(text, e) {
			why = append(why, "does not name "+e)
		}
	}
	for _, p := range q.Phrases {
		if !hasPhrase(text, p) {
			why = append(why, "lacks "+p)
		}
	}
	if len(q.Pages) > 0 && !anyCited(a.Citations, q.Pages, len(a.Citations)) {
		why = append(why, "cites no page that answers")
	}
	switch {
	case !q.Answerable && !a.Abstained:
		why = []string{"answered what it should not"}
	case !q.Answerable:
		why = nil
	case a.Abstained:
		why = []string{"abstained"}
	}
	r.Right = len(why) == 0
	r.Why = strings.Join(why, "; ")
	ok := map[string]bool{}
	for _, s := range append(append(append([]string{}, q.Entities...), q.Pages...), q.Support...) {
		ok[strings.ToLower(s)] = true
	}
	if q.Answerable && !a.Abstained {
		for _, c := range a.Citations {
			r.citations++
			if ok[strings.ToLower(c.Ref)] || supports != nil && supports(c) {
				r.supporting++
			}
		}
	}
	all := text
	for _, c := range a.Citations {
		all += " " + strings.ToLower(c.Ref+" "+c.Title+" "+c.URL)
	}
	for _, f := range q.Forbid {
		if strings.Contains(all, strings.ToLower(f)) {
			r.Leaked = append(r.Leaked, f)
		}
	}
	if len(q.Pages) > 0 && q.Answerable {
		hit := anyCited(a.Citations, q.Pages, 3)
		r.Top3 = &hit
	}
	return r
}

// named reports whether text names the entity with ref: its name, or its name with the
// separators read as spaces.
func named(text, ref string) bool {
	name := strings.ToLower(ref[strings.LastIndex(ref, "/")+1:])
	if strings.Contains(text, name) {
		return true
	}
	spaced := strings.NewReplacer("-", " ", ".", " ", "_", " ").Replace(name)
	return strings.Contains(text, spaced)
}

// hasPhrase reports whether text holds one of the "|"-separated alternatives of p.
func hasPhrase(text, p string) bool {
	for _, alt := range strings.Split(p, "|") {
		if alt = strings.ToLower(strings.TrimSpace(alt)); alt != "" && strings.Contains(text, alt) {
			return true
		}
	}
	return false
}

// anyCited reports whether one of the first k citations (by number) is one of pages.
func anyCited(cs []assistant.Citation, pages []string, k int) bool {
	sorted := append([]assistant.Citation(nil), cs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].N < sorted[j].N })
	for i, c := range sorted {
		if i == k {
			break
		}
		for _, p := range pages {
			if strings.EqualFold(c.Ref, p) {
				return true
			}
		}
	}
	return false
}

// EvaluateAssistant asks every question of set through ask, in order (questions sharing a
// Conv continue one conversation), judges each answer and reports the scores. bm25, when
// not nil, gives the reference top-3 page hit rate of the questions with Pages; sup, when
// not nil, judges citations beyond the expected sources.
func EvaluateAssistant(ctx context.Context, set *AssistantSet, ask Asker, bm25 PageSearcher, sup Supporter) (AssistantReport, error) {
	convs := map[string]string{}
	var results []AssistantResult
	for _, q := range set.Questions {
		a, err := ask(ctx, q.As, convs[q.Conv], q.Q)
		if err != nil {
			return AssistantReport{}, fmt.Errorf("question %s (%q): %w", q.ID, q.Q, err)
		}
		if q.Conv != "" {
			convs[q.Conv] = a.ConversationID
		}
		var supErr error
		r := judge(q, a, func(c assistant.Citation) bool {
			if sup == nil || supErr != nil {
				return false
			}
			ok, err := sup(ctx, q, c)
			supErr = err
			return ok
		})
		if supErr != nil {
			return AssistantReport{}, fmt.Errorf("question %s: %w", q.ID, supErr)
		}
		if bm25 != nil && r.Top3 != nil {
			pages, err := bm25(ctx, q.Q, 3)
			if err != nil {
				return AssistantReport{}, fmt.Errorf("question %s: bm25: %w", q.ID, err)
			}
			hit := false
			for _, p := range pages {
				for _, want := range q.Pages {
					hit = hit || strings.EqualFold(p, want)
				}
			}
			r.BM25Top3 = &hit
		}
		results = append(results, r)
	}
	return newAssistantReport(set.Name, results), nil
}
