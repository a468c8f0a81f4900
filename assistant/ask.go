package assistant

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// gathered is what the pipeline found for one question before composing.
type gathered struct {
	u       understanding
	facts   []Fact
	sources sourceSet
	focus   []string
	// abstain, when set, is the reason the pipeline abstains without composing.
	abstain string
}

// Ask answers q as the principal in ctx: it understands the question (intent, entities,
// follow-up), gathers sources with the tools, has the composer write the answer, keeps only
// citations of what was retrieved in this turn, stores the turn and returns the answer.
// emit (may be nil) receives the answer as it streams: tokens, verified citations, done.
func (s *Service) Ask(ctx context.Context, q Question, emit Emit) (Answer, error) {
	if emit == nil {
		emit = func(Event) error { return nil }
	}
	msg, err := checkMessage(q.Message)
	if err != nil {
		return Answer{}, err
	}
	who, err := owner(ctx)
	if err != nil {
		return Answer{}, err
	}
	var history []Turn
	conv := Conversation{ID: q.ConversationID}
	if q.ConversationID != "" {
		c, err := s.Conversation(ctx, q.ConversationID)
		if err != nil {
			return Answer{}, err
		}
		history = c.Turns
	} else {
		now := s.now().UTC()
		conv = Conversation{ID: newID(), Owner: who, Title: titleOf(msg), Created: now, Updated: now}
	}
	g, err := s.gather(ctx, msg, history)
	if err != nil {
		return Answer{}, err
	}
	ans, err := s.compose(ctx, msg, history, g, emit)
	if err != nil {
		return Answer{}, err
	}
	if q.ConversationID == "" {
		if err := s.store.CreateConversation(ctx, conv); err != nil {
			return Answer{}, fmt.Errorf("store conversation: %w", err)
		}
	}
	ans.ConversationID = conv.ID
	turn := Turn{Question: msg, Answer: ans, Focus: g.focus, At: s.now().UTC()}
	if err := s.store.AppendTurn(ctx, conv.ID, turn); err != nil {
		return Answer{}, fmt.Errorf("store turn: %w", err)
	}
	if err := emit(Event{Kind: EventDone, Answer: &ans}); err != nil {
		return ans, err
	}
	return ans, nil
}

// gather understands msg and calls the tools it needs.
func (s *Service) gather(ctx context.Context, msg string, history []Turn) (*gathered, error) {
	es, err := s.visibleEntities(ctx)
	if err != nil {
		return nil, err
	}
	lx := newLexicon(es)
	u, err := s.understand(ctx, msg, history, lx)
	if err != nil {
		return nil, err
	}
	g := &gathered{u: u}
	skill, isSkill := s.pickSkill(msg, lx, u)
	switch {
	case isSkill:
		if err := s.askSkill(ctx, skill.skill, msg, g); err != nil {
			return nil, err
		}
	case u.subject != nil && u.intent != intentHowTo && u.intent != intentEntityDocs:
		r, err := s.walk(ctx, u.subject, u.intent, &g.sources)
		if err != nil {
			return nil, err
		}
		g.facts = r.facts
		g.focus = append([]string{refString(u.subject.Ref())}, r.related...)
	case u.subject != nil && u.intent == intentEntityDocs:
		if err := s.entityDocs(ctx, u.subject, g); err != nil {
			return nil, err
		}
	case u.named:
		// A relation of something the asker cannot see or that does not exist. The docs
		// may still answer, if they speak of it by the words the question names it with;
		// when none does, the pipeline abstains, and the two cases read the same.
		if err := s.addNamedSections(ctx, msg, g, false); err != nil {
			return nil, err
		}
	case u.unknownName:
		if err := s.addNamedSections(ctx, msg, g, true); err != nil {
			return nil, err
		}
	default:
		if err := s.addSections(ctx, msg, g, docHits); err != nil {
			return nil, err
		}
		if u.subject != nil {
			g.focus = []string{refString(u.subject.Ref())}
		}
	}
	if len(g.focus) == 0 {
		for _, src := range g.sources.list {
			if ref := focusRef(src); ref != "" && !contains(g.focus, ref) {
				g.focus = append(g.focus, ref)
			}
			if len(g.focus) == 3 {
				break
			}
		}
	}
	return g, nil
}

// focusRef is the entity a source is about, or "".
func focusRef(s Source) string {
	if s.Kind == "entity" {
		return s.Ref
	}
	if rest, ok := strings.CutPrefix(s.Ref, "doc:"); ok {
		if i := strings.LastIndex(rest, ":"); i > 0 {
			return rest[:i]
		}
	}
	return ""
}

// addSections searches the docs for msg and adds the best sections as sources.
func (s *Service) addSections(ctx context.Context, msg string, g *gathered, limit int) error {
	secs, err := s.searchSections(ctx, msg, nil, limit)
	if err != nil {
		return err
	}
	for _, sec := range rerank(msg, secs) {
		g.sources.add(sectionSource(sec))
	}
	return nil
}

// addNamedSections adds the sections that speak of what msg names by name (the words
// that are neither the question's intent nor a kind of entity): at least half of them, or
// with all every one. Without any, it abstains with the closest sections as sources.
func (s *Service) addNamedSections(ctx context.Context, msg string, g *gathered, all bool) error {
	secs, err := s.searchSections(ctx, msg, nil, docHits)
	if err != nil {
		return err
	}
	names := nameStems(words(msg))
	var keep []section
	for _, sec := range secs {
		text := contentStems(sec.text + " " + sec.result.Title)
		hit := 0
		for _, n := range names {
			if text[n] {
				hit++
			}
		}
		if len(names) == 0 || hit*2 >= len(names) && (!all || hit == len(names)) {
			keep = append(keep, sec)
		}
	}
	if len(keep) == 0 {
		g.abstain = noEntity
		keep = secs[:min(3, len(secs))]
	}
	for _, sec := range rerank(msg, keep) {
		g.sources.add(sectionSource(sec))
	}
	return nil
}

// entityDocs lists the documentation pages of e the asker may see.
func (s *Service) entityDocs(ctx context.Context, e *catalog.Entity, g *gathered) error {
	subj := g.sources.add(entitySource(e))
	g.focus = []string{refString(e.Ref())}
	secs, err := s.searchSections(ctx, e.Metadata.Name+" "+e.Metadata.Title+" documentation", nil, 50)
	if err != nil {
		return err
	}
	var names []string
	srcs := []int{subj}
	seen := map[string]bool{}
	for _, sec := range secs {
		r := sec.result
		if r.Kind != "doc" || !strings.EqualFold(r.EntityRef, refString(e.Ref())) || seen[r.DocID] {
			continue
		}
		seen[r.DocID] = true
		src := sectionSource(sec)
		src.Title, src.URL = r.Title, strings.SplitN(r.URL, "#", 2)[0]
		srcs = append(srcs, g.sources.add(src))
		names = append(names, r.Title)
	}
	text := fmt.Sprintf("The catalog has no documentation pages for %s.", displayName(e))
	if len(names) > 0 {
		text = fmt.Sprintf("The documentation of %s: %s.", displayName(e), joinList(names))
	}
	g.facts = append(g.facts, Fact{Text: text, Sources: srcs})
	return nil
}

// compose has the composer write the answer (or writes the abstention itself), streaming
// the verified text.
func (s *Service) compose(ctx context.Context, msg string, history []Turn, g *gathered, emit Emit) (Answer, error) {
	retrieved := g.sources.list
	rec := newRecorder(retrieved)
	c := &citer{newN: map[string]int{},
		onText: func(t string) error { return emit(Event{Kind: EventToken, Token: t}) },
		onCite: func(ct Citation) error { return emit(Event{Kind: EventCitation, Citation: &ct}) },
	}
	c.source = func(n int) (Source, bool) {
		if n >= 1 && n <= len(retrieved) {
			return retrieved[n-1], true
		}
		return rec.at(n - len(retrieved))
	}
	composerName := s.composer.Name()
	var comp Composition
	if g.abstain != "" {
		comp = Composition{Text: abstainText(g.abstain, retrieved), Sources: retrieved, Abstained: true}
		if err := emitWords(comp.Text, c.write); err != nil {
			return Answer{}, err
		}
	} else {
		in := ComposeInput{Question: msg, History: history, Facts: g.facts, Sources: retrieved, Tools: rec.wrap(s.tools)}
		var err error
		comp, err = s.composer.Compose(ctx, in, c.write)
		if err != nil {
			if errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
				return Answer{}, err
			}
			return Answer{}, fmt.Errorf("compose: %w", err)
		}
		if comp.Composer != "" {
			composerName = comp.Composer
		}
	}
	if err := c.flush(); err != nil {
		return Answer{}, err
	}
	// The streamed text is checked against what was retrieved as it went; the final text
	// is checked again against the composition's own list of sources.
	text, cites := verify(comp.Text, func(n int) (Source, bool) {
		if n < 1 || n > len(comp.Sources) {
			return Source{}, false
		}
		src := comp.Sources[n-1]
		return src, rec.retrieved(src, retrieved)
	})
	return Answer{Answer: text, Abstained: comp.Abstained, Citations: cites, Composer: composerName, Notice: comp.Notice}, nil
}
