package assistant

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// A Skill is a Tool the pipeline calls by itself, without a model: when a question reads
// more like one of its Phrasings than like any built-in intent, the pipeline hands the
// question to the skill. Capabilities (incidents, costs) answer their questions this way
// with the local composer, and a planning composer still sees each skill as a tool.
type Skill interface {
	Tool
	// Phrasings are prototype questions in which "x" stands for the entity the question
	// names: "has x had incidents before", "what does x cost".
	Phrasings() []string
	// Answer gathers for question about subject, the canonical ref of the entity the
	// question names ("" when it names none the asker may see). It runs as the principal
	// in ctx and returns only what that principal may see.
	Answer(ctx context.Context, subject, question string) (SkillAnswer, error)
}

// SkillAnswer is what a skill established. Facts cite Sources by 1-based index into
// Sources; with no facts the composer answers from the sources' text.
type SkillAnswer struct {
	Facts   []Fact
	Sources []Source
}

// minSkill is the least a question must read like a skill's phrasing for the skill to
// take it, on the scale of scoreIntents.
const minSkill = 0.5

// skillPick is the skill a question reads most like, and how much.
type skillPick struct {
	skill Skill
	score float64
}

// pickSkill returns the skill msg reads most like, when it reads at least minSkill like one
// of its phrasings and at least as much as like the built-in intent understanding chose.
func (s *Service) pickSkill(msg string, lx *lexicon, u understanding) (skillPick, bool) {
	var skills []Skill
	for _, t := range s.tools.Tools() {
		if sk, ok := t.(Skill); ok {
			skills = append(skills, sk)
		}
	}
	if len(skills) == 0 {
		return skillPick{}, false
	}
	specs, weight := skillSpecs(skills)
	ws := words(msg)
	var used map[int]bool
	kind := ""
	if u.subject != nil {
		kind = strings.ToLower(u.subject.Kind)
		for _, m := range lx.find(ws, nil) {
			if m.entity == u.subject {
				used = m.used
				break
			}
		}
	}
	sc := scoreSpecs(ws, used, kind, specs, weight)
	if len(sc) == 0 || sc[0].score < minSkill || sc[0].score < u.intentConf {
		return skillPick{}, false
	}
	name := strings.TrimPrefix(string(sc[0].intent), skillIntentPrefix)
	for _, sk := range skills {
		if sk.Name() == name {
			return skillPick{skill: sk, score: sc[0].score}, true
		}
	}
	return skillPick{}, false
}

// skillIntentPrefix marks a skill's name used as an intent while scoring.
const skillIntentPrefix = "skill:"

// skillSpecs parses the skills' phrasings as intents named skill:<name>. The built-in
// word weights are kept; a word only skills use weighs as much as a word one intent uses,
// the most telling kind.
func skillSpecs(skills []Skill) ([]parsedSpec, map[string]float64) {
	specs := make([]intentSpec, 0, len(skills))
	for _, sk := range skills {
		specs = append(specs, intentSpec{intent: intent(skillIntentPrefix + sk.Name()), prototypes: sk.Phrasings()})
	}
	parsed, _ := parseSpecList(specs)
	weight := make(map[string]float64, len(protoWeight))
	top := math.Log(1 + float64(len(intentSpecs)))
	for st, w := range protoWeight {
		weight[st] = w
	}
	for _, p := range parsed {
		for _, proto := range p.protos {
			for _, w := range proto {
				if _, ok := weight[w.Stem]; !ok {
					weight[w.Stem] = top
				}
			}
		}
	}
	return parsed, weight
}

// askSkill has the skill gather for the question and adds what it found to g, renumbering
// its facts' citations into the turn's sources.
func (s *Service) askSkill(ctx context.Context, sk Skill, msg string, g *gathered) error {
	subject := ""
	if g.u.subject != nil {
		subject = refString(g.u.subject.Ref())
	}
	ans, err := sk.Answer(ctx, subject, msg)
	if err != nil {
		return fmt.Errorf("skill %s: %w", sk.Name(), err)
	}
	at := make([]int, len(ans.Sources))
	for i, src := range ans.Sources {
		at[i] = g.sources.add(src)
	}
	for _, f := range ans.Facts {
		var cites []int
		for _, n := range f.Sources {
			if n >= 1 && n <= len(at) {
				cites = append(cites, at[n-1])
			}
		}
		sort.Ints(cites)
		g.facts = append(g.facts, Fact{Text: f.Text, Sources: cites})
	}
	if subject != "" {
		g.focus = []string{subject}
	}
	if len(ans.Facts) == 0 && len(ans.Sources) == 0 {
		g.abstain = noDocs
	}
	return nil
}
