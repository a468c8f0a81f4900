package assistant

import (
	"math"
	"sort"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// alias is one way of naming an entity: its name, title, a person's display name or email.
type alias struct {
	words []word
}

// lexEntry is an entity the asker may see with the names it goes by.
type lexEntry struct {
	entity  *catalog.Entity
	ref     string // canonical ref
	aliases []alias
}

// lexicon finds the entities a question names, among those the asker may see.
type lexicon struct {
	entries []lexEntry
	byRef   map[string]*catalog.Entity
	idf     map[string]float64 // by stem
	maxIDF  float64
}

// kindWords map words of a question (by stem) to the entity kinds they hint at.
var kindWords = kindTable(map[string]string{
	"component": "service svc component app application library lib website site worker consumer job microservice",
	"api":       "api endpoint interface grpc rest openapi",
	"resource":  "database resource cache bucket topic queue cluster storage",
	"group":     "team group squad department org organisation organization",
	"system":    "system platform",
	"domain":    "domain area",
	"user":      "person user engineer developer colleague",
})

func kindTable(m map[string]string) map[string]string {
	out := map[string]string{}
	for kind, ws := range m {
		for _, w := range strings.Fields(ws) {
			out[stem(w)] = kind
		}
	}
	return out
}

// newLexicon indexes the names of es.
func newLexicon(es []*catalog.Entity) *lexicon {
	lx := &lexicon{byRef: map[string]*catalog.Entity{}, idf: map[string]float64{}}
	df := map[string]int{}
	for _, e := range es {
		le := lexEntry{entity: e, ref: strings.ToLower(e.Ref().String())}
		names := []string{e.Metadata.Name, e.Metadata.Title}
		if p, ok := e.Spec["profile"].(map[string]any); ok {
			if s, ok := p["displayName"].(string); ok {
				names = append(names, s)
			}
			if s, ok := p["email"].(string); ok {
				local, _, _ := strings.Cut(s, "@")
				names = append(names, local)
			}
		}
		seen := map[string]bool{}
		stems := map[string]bool{}
		for _, n := range names {
			ws := words(n)
			key := joinStems(ws)
			if len(ws) == 0 || seen[key] {
				continue
			}
			seen[key] = true
			le.aliases = append(le.aliases, alias{words: ws})
			for _, w := range ws {
				stems[w.Stem] = true
			}
		}
		for s := range stems {
			df[s]++
		}
		lx.entries = append(lx.entries, le)
		lx.byRef[le.ref] = e
	}
	n := float64(len(lx.entries)) + 1
	for s, d := range df {
		lx.idf[s] = math.Log(1 + n/float64(d))
		lx.maxIDF = max(lx.maxIDF, lx.idf[s])
	}
	return lx
}

func joinStems(ws []word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Stem
	}
	return strings.Join(parts, " ")
}

// weight is how much a name word says about which entity is meant.
func (lx *lexicon) weight(stem string) float64 {
	if w, ok := lx.idf[stem]; ok {
		return w
	}
	return lx.maxIDF
}

// mention is an entity a question names and how well.
type mention struct {
	entity *catalog.Entity
	ref    string
	score  float64
	used   map[int]bool // question word positions the name explains
}

// find returns the entities q names, best first. Each alias is matched word by word against
// the question's words (same stem, a typo, a prefix); an alias counts when the words it
// matched carry most of its weight. Words in skip (intent words) never match.
func (lx *lexicon) find(q []word, skip map[int]bool) []mention {
	var out []mention
	for i := range lx.entries {
		le := &lx.entries[i]
		best := mention{entity: le.entity, ref: le.ref}
		for _, a := range le.aliases {
			score, used := lx.matchAlias(q, skip, a)
			if score > best.score {
				best.score, best.used = score, used
			}
		}
		if best.score <= 0 {
			continue
		}
		// A kind word next to the name ("the order events API", "the payments team")
		// says which of the entities of that name is meant; one elsewhere ("which
		// components consume …") names what the answer should list.
		hints := adjacentKinds(q, best.used)
		kind := strings.ToLower(le.entity.Kind)
		if hints[kind] {
			best.score += 0.6
		}
		if t, _ := le.entity.Spec["type"].(string); t != "" && hints[kindWords[stem(strings.ToLower(t))]] && kind == "component" {
			best.score += 0.2
		}
		out = append(out, best)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].ref < out[j].ref
	})
	return out
}

// adjacentKinds returns the kinds hinted at by the words right before and after the span
// of used positions (and by kind words inside it).
func adjacentKinds(q []word, used map[int]bool) map[string]bool {
	lo, hi := len(q), -1
	for i := range used {
		lo, hi = min(lo, i), max(hi, i)
	}
	hints := map[string]bool{}
	for i := lo - 1; i <= hi+1; i++ {
		if i < 0 || i >= len(q) || (i > lo && i < hi && !used[i]) {
			continue
		}
		if k, ok := kindWords[q[i].Stem]; ok {
			hints[k] = true
		}
	}
	return hints
}

// matchAlias scores one alias against the question: the weight of the alias words found,
// less half the weight of those missing; 0 when less than half its weight is found or no
// distinctive word matched.
func (lx *lexicon) matchAlias(q []word, skip map[int]bool, a alias) (float64, map[int]bool) {
	var found, total, rare float64
	used := map[int]bool{}
	for _, aw := range a.words {
		w := lx.weight(aw.Stem)
		total += w
		bestSim, bestPos := 0.0, -1
		for i, qw := range q {
			if skip[i] || fillers[qw.Raw] && qw.Raw != aw.Raw {
				continue
			}
			if s := similar(qw, aw); s > bestSim {
				bestSim, bestPos = s, i
			}
		}
		if bestPos >= 0 {
			found += w * bestSim
			used[bestPos] = true
			if _, generic := kindWords[aw.Stem]; !generic && !fillers[aw.Raw] {
				rare = max(rare, w*bestSim)
			}
		}
	}
	if total == 0 || found*2 < total || rare == 0 && found < 0.99*total {
		return 0, nil
	}
	return found - (total-found)/2, used
}
