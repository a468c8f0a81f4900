package assistant

import (
	"context"
	"fmt"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// Thresholds of understanding, on the scales of lexicon.find and scoreIntents.
const (
	minMention = 0.5  // an entity named weaker than this is not taken as named
	minIntent  = 0.42 // a relation intent scoring less is not taken as asked
)

// understanding is what the pipeline made of a question.
type understanding struct {
	intent  intent
	subject *catalog.Entity // nil: the question names no entity the asker may see
	// named is true when the question itself seems to name an entity (a relation intent,
	// or a word no dictionary knows) even though none was found.
	named     bool
	fromFocus bool // the subject came from an earlier turn
	// unknownName is true for a description of something the catalog does not name.
	unknownName bool
	intentConf  float64
}

// pronouns refer back to an earlier turn's subject.
var pronouns = toSet(`it its it's they them their theirs that this those these he him his she her one ones there`)

// followUpOpeners start a question that continues the previous one.
var followUpOpeners = []string{"and ", "what about ", "how about ", "also ", "and what about ", "same for "}

// visibleEntities lists every entity the asker may see.
func (s *Service) visibleEntities(ctx context.Context) ([]*catalog.Entity, error) {
	page, err := s.cat.Query(ctx, catalog.Query{})
	if err != nil {
		return nil, fmt.Errorf("list entities: %w", err)
	}
	out := make([]*catalog.Entity, len(page.Entities))
	for i := range page.Entities {
		out[i] = &page.Entities[i]
	}
	return out, nil
}

// understand finds the intent and the subject of msg, resolving a follow-up against the
// focus of the latest turn.
func (s *Service) understand(ctx context.Context, msg string, history []Turn, lx *lexicon) (understanding, error) {
	u := analyse(msg, lx)
	if len(history) == 0 {
		return u, nil
	}
	last := history[len(history)-1]
	lower := strings.ToLower(strings.TrimSpace(msg))
	opener := false
	for _, o := range followUpOpeners {
		if strings.HasPrefix(lower, o) {
			opener = true
		}
	}
	refersBack := false
	for _, w := range splitWords(msg) {
		if pronouns[w] {
			refersBack = true
		}
	}
	// "what about the orders service?": a new subject, the previous question's intent.
	if u.subject != nil && opener && (u.intentConf < minIntent || u.intent == intentDescribe) {
		if in, ok := earlierIntent(history, lx, strings.ToLower(u.subject.Kind)); ok {
			u.intent = in
		}
		return u, nil
	}
	if u.subject != nil || (!refersBack && !opener) || len(last.Focus) == 0 {
		return u, nil
	}
	// "and who is on that team?": the subject is an entity of the last turn.
	hints := map[string]bool{}
	for _, w := range words(msg) {
		if k, ok := kindWords[w.Stem]; ok {
			hints[k] = true
		}
	}
	pick := resolveFocus(last.Focus, lx, hints, u.intent, plural(msg))
	if pick == nil {
		return u, nil
	}
	u.subject, u.fromFocus, u.named = pick, true, false
	if u.intent != intentHowTo || u.intentConf < minIntent {
		// Re-score the intents now that the subject's kind is known.
		ws := words(msg)
		sc := scoreIntents(ws, nil, strings.ToLower(pick.Kind))
		u.intent, u.intentConf = relationIntent(sc)
		if u.intentConf < minIntent {
			u.intent = intentDescribe
			if in, ok := earlierIntent(history, lx, strings.ToLower(pick.Kind)); ok {
				u.intent = in
			}
		}
	}
	return u, nil
}

// relationIntent returns the best intent and its score.
func relationIntent(sc []intentScore) (intent, float64) {
	if len(sc) == 0 {
		return intentHowTo, 0
	}
	return sc[0].intent, sc[0].score
}

// analyse reads one question on its own. The few best-named entities are each tried with
// the intents; the pair that reads best wins, so "members of payments" picks the payments
// team over the payments domain of the same name.
func analyse(msg string, lx *lexicon) understanding {
	ws := words(msg)
	ms := lx.find(ws, nil)
	var u understanding
	bestTotal := -1.0
	for i, m := range ms {
		if i == 3 || m.score < minMention || m.score < ms[0].score-1 {
			break
		}
		kind := strings.ToLower(m.entity.Kind)
		in, conf := relationIntent(boostLinks(scoreIntents(ws, m.used, kind), ws, m))
		total := conf + 0.25*m.score/ms[0].score
		if total > bestTotal {
			bestTotal = total
			u.subject, u.intent, u.intentConf = m.entity, in, conf
		}
	}
	if u.subject == nil {
		u.intent, u.intentConf = relationIntent(scoreIntents(ws, nil, ""))
	}
	if u.intent != intentHowTo && asksHow(msg) && howToScore(ws) >= 0.9*u.intentConf {
		// "how do I deploy the petstore to production" asks for a procedure, not a lifecycle.
		u.intent = intentHowTo
	}
	var used map[int]bool
	for _, m := range ms {
		if m.entity == u.subject {
			used = m.used
		}
	}
	switch {
	case u.intent == intentHowTo:
	case u.intent != intentDescribe && unexplained(ws, used) >= 2:
		// "what backoff does the kafka client use for retries": more than a relation.
		u.intent = intentHowTo
	case u.intentConf < minIntent && u.subject != nil:
		u.intent = intentDescribe
	case u.intentConf < minIntent:
		u.intent = intentHowTo
	case u.subject == nil && u.intent != intentDescribe:
		u.named = true
	}
	if u.subject == nil && u.intent == intentDescribe {
		// "what is the quillfeather console": the docs must speak of all of it.
		u.intent, u.unknownName = intentHowTo, true
	}
	return u
}

// boostLinks raises the links intent when the question names one of the entity's links by
// its title ("the storybook of the ui kit").
func boostLinks(sc []intentScore, q []word, m mention) []intentScore {
	for _, l := range m.entity.Metadata.Links {
		for _, lw := range words(l.Title) {
			_, generic := kindWords[lw.Stem]
			if fillers[lw.Raw] || len(lw.Raw) < 5 || generic || concepts[lw.Stem] != 0 {
				continue
			}
			for i, qw := range q {
				if !m.used[i] && similar(qw, lw) >= 0.85 {
					for j := range sc {
						if sc[j].intent == intentLinks {
							sc[j].score = max(sc[j].score, 1.05)
						}
					}
					sortScores(sc)
					return sc
				}
			}
		}
	}
	return sc
}

// plural reports whether msg refers back with a plural pronoun ("they", "them"), which
// usually means the entities an answer named rather than what it was about.
func plural(msg string) bool {
	for _, w := range splitWords(msg) {
		switch w {
		case "they", "them", "their", "theirs", "those", "these":
			return true
		}
	}
	return false
}

// resolveFocus picks the entity of an earlier turn's focus a follow-up is about: one of the
// kind the question names ("that team"), else one the intent applies to, else the first.
// The focus lists the turn's subject first, then the entities its answer named; a plural
// pronoun looks at those first.
func resolveFocus(focus []string, lx *lexicon, hints map[string]bool, in intent, plural bool) *catalog.Entity {
	var es []*catalog.Entity
	for _, ref := range focus {
		if e := lx.byRef[strings.ToLower(ref)]; e != nil { // no longer visible: skipped
			es = append(es, e)
		}
	}
	if len(es) == 0 {
		return nil
	}
	if plural && len(es) > 1 {
		es = append(es[1:], es[0])
	}
	for _, e := range es {
		if hints[strings.ToLower(e.Kind)] {
			return e
		}
	}
	for _, e := range es {
		if appliesTo(in, strings.ToLower(e.Kind)) {
			return e
		}
	}
	return es[0]
}

// unexplained counts the words of q that neither name the entity (used) nor say what is
// asked: content the docs may know about.
func unexplained(q []word, used map[int]bool) int {
	return len(otherStems(q, used))
}

// nameStems are the stems of the words of q that may name something: neither intent nor
// kind words.
func nameStems(q []word) []string { return otherStems(q, nil) }

func otherStems(q []word, used map[int]bool) []string {
	var out []string
	for i, w := range q {
		if used[i] || fillers[w.Raw] || askWords[w.Raw] {
			continue
		}
		if _, ok := kindWords[w.Stem]; ok {
			continue
		}
		known := false
		for st := range protoWeight {
			if wordMatch(w, word{Raw: st, Stem: st}) >= 0.8 {
				known = true
				break
			}
		}
		if !known {
			out = append(out, w.Stem)
		}
	}
	return out
}

// howToScore is how well q reads as a request for a procedure or a reason.
func howToScore(q []word) float64 {
	for _, sc := range scoreIntents(q, nil, "") {
		if sc.intent == intentHowTo {
			return sc.score
		}
	}
	return 0
}

// asksHow reports whether msg opens like a request for a procedure or a reason.
func asksHow(msg string) bool {
	ws := splitWords(msg)
	return len(ws) > 0 && (ws[0] == "how" || ws[0] == "why")
}

// earlierIntent is the intent of the latest earlier question that applies to an entity of
// kind: "what about the orders service?" asks what the conversation asked before.
func earlierIntent(history []Turn, lx *lexicon, kind string) (intent, bool) {
	for i := len(history) - 1; i >= 0 && i >= len(history)-4; i-- {
		in := analyse(history[i].Question, lx).intent
		if in != intentHowTo && in != intentDescribe && appliesTo(in, kind) {
			return in, true
		}
	}
	return "", false
}
