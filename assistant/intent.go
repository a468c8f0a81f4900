package assistant

import (
	"math"
	"strings"
)

// intent is what a question asks for.
type intent string

// The intents the pipeline answers: relations of an entity, a description, or (intentDocs
// search) anything the docs may answer.
const (
	intentOwner      intent = "owner"
	intentOwned      intent = "owned"
	intentMembers    intent = "members"
	intentGroupsOf   intent = "groups"
	intentParent     intent = "parent"
	intentChildren   intent = "children"
	intentSystem     intent = "system"
	intentDomain     intent = "domain"
	intentParts      intent = "parts"
	intentProvides   intent = "provides"
	intentConsumes   intent = "consumes"
	intentProviders  intent = "providers"
	intentConsumers  intent = "consumers"
	intentDependsOn  intent = "dependsOn"
	intentDependents intent = "dependents"
	intentLifecycle  intent = "lifecycle"
	intentType       intent = "type"
	intentLinks      intent = "links"
	intentEntityDocs intent = "entityDocs"
	intentDescribe   intent = "describe"
	intentHowTo      intent = "howto"
)

// intentSpec holds the prototype phrasings of an intent ("x" stands for the entity) and
// the entity kinds it applies to (nil: any).
type intentSpec struct {
	intent     intent
	kinds      []string
	prototypes []string
}

// intentSpecs are scored against every question; the best-overlapping prototype wins.
var intentSpecs = []intentSpec{
	{intentOwner, []string{"component", "api", "resource", "system", "domain", "template"}, []string{
		"who owns x", "owner of x", "which team owns x", "who is responsible for x", "who maintains x",
		"which team looks after x", "who do i contact about x", "whose is x", "who runs x", "who is in charge of x",
		"which group is accountable for x", "who supports x", "who takes care of x", "who should i ask about x",
		"ownership of x"}},
	{intentOwned, []string{"group", "user"}, []string{
		"what does x own", "what is x responsible for", "which services does x maintain", "what does team x look after",
		"list everything x owns", "which components belong to x team", "what is owned by x", "what does x run",
		"what systems does x take care of"}},
	{intentMembers, []string{"group"}, []string{
		"who is on x", "members of x", "who works in x", "who belongs to x", "who are the people in x",
		"list the members of x team", "who is in x team", "which engineers are in x", "who makes up x",
		"people on the x team", "team members of x"}},
	{intentGroupsOf, []string{"user"}, []string{
		"which team is x on", "what groups is x in", "what team does x belong to", "where does x work",
		"which group is x a member of", "what team is x part of", "x team membership", "who does x work with",
		"which teams does x belong to"}},
	{intentParent, []string{"group"}, []string{
		"what is the parent group of x", "which group is x under", "what department is x part of",
		"parent team of x", "which organisation does x belong to", "what is above x team", "who does x team report to"}},
	{intentChildren, []string{"group"}, []string{
		"what are the sub teams of x", "child groups of x", "which teams are under x", "subgroups of x",
		"what teams report to x", "which teams belong to x", "teams inside x"}},
	{intentSystem, []string{"component", "api", "resource"}, []string{
		"what system is x part of", "which system does x belong to", "system of x", "which system contains x",
		"what system is x in"}},
	{intentDomain, []string{"system", "component", "api", "resource", "domain"}, []string{
		"which domain is x in", "what business domain does x belong to", "domain of x", "what domain is x part of",
		"what is the parent domain of x"}},
	{intentParts, []string{"system", "domain", "component"}, []string{
		"what are the subcomponents of x", "which components are part of x",
		"what is in x", "what components make up x", "what are the parts of x", "list the services in x",
		"what belongs to x system", "what does x consist of", "what does x contain", "which systems are in x domain",
		"what services are part of x", "components of x", "what is inside x"}},
	{intentProvides, []string{"component"}, []string{
		"what apis does x provide", "which apis does x expose", "what endpoints does x serve",
		"what interfaces does x offer", "apis provided by x", "what api does x implement", "what does x publish",
		"what are x apis"}},
	{intentConsumes, []string{"component"}, []string{
		"what apis does x consume", "which apis does x use", "what apis does x call", "apis consumed by x",
		"which interfaces does x talk to", "what api does x read from"}},
	{intentProviders, []string{"api"}, []string{
		"who provides x", "which component provides x", "what provides x", "which service implements x", "what serves x", "which component exposes x",
		"where is x implemented", "provider of x", "what backs x"}},
	{intentConsumers, []string{"api"}, []string{
		"who consumes x", "which components consume x", "what consumes x", "which services use x", "who calls x", "consumers of x", "clients of x",
		"what talks to x", "who reads from x", "which components depend on the x api"}},
	{intentDependsOn, []string{"component", "resource"}, []string{
		"what does x depend on", "what are the dependencies of x", "what does x need", "what does x require",
		"dependencies of x", "what does x rely on", "which resources does x use", "which databases does x use",
		"what does x talk to", "upstream of x"}},
	{intentDependents, nil, []string{
		"what depends on x", "which components depend on x", "what uses x", "what would break if x goes down", "who relies on x",
		"dependents of x", "which services need x", "what is affected if x fails", "what is downstream of x",
		"blast radius of x outage", "who is impacted if x is down"}},
	{intentLifecycle, []string{"component", "api"}, []string{
		"what is the lifecycle of x", "is x in production", "is x deprecated", "is x experimental",
		"what stage is x in", "is x still supported", "is x live", "lifecycle status of x", "is x production ready",
		"is x being retired"}},
	{intentType, []string{"component", "api", "resource", "group", "system", "domain"}, []string{
		"what type of thing is x", "what kind of component is x", "is x a service or a library", "type of x",
		"what sort of resource is x", "what kind of api is x", "what is x type"}},
	{intentLinks, nil, []string{
		"where is the dashboard for x", "links for x", "where is the repo of x", "link to x",
		"url of x", "where can i find x source code", "x dashboard", "x repository", "where is x monitored",
		"x grafana", "where is the on call rota of x", "x runbook link"}},
	{intentEntityDocs, nil, []string{
		"where are the docs for x", "documentation of x", "does x have docs", "x documentation",
		"where can i read about x", "docs for x", "x readme"}},
	{intentDescribe, nil, []string{
		"what is x", "tell me about x", "describe x", "what does x do", "explain x",
		"info on x", "overview of x", "what is the purpose of x"}},
	{intentDescribe, []string{"user"}, []string{"who is x", "who is x and what do they do"}},
	{intentHowTo, nil, []string{
		"how do i", "how to", "how can i", "what is the process for", "steps to", "procedure for",
		"why did we choose", "why do we use", "what should i do when", "when should i", "how does x work",
		"what happens when", "is it safe to", "what is the policy on", "how should i handle", "where do i",
		"what to do if", "how are", "how is", "why", "runbook for", "what was decided about", "decision on"}},
}

// concepts group words that mean the same in a question about the catalog; two words of one
// concept match almost as well as the same word.
var concepts = conceptTable(`
what which
who whom whose
own owner ownership maintain maintainer responsible accountable charge run look care support
contact talk ask reach
member people person engineer folk staff
team group squad
belong part under inside within contain consist make
provide expose offer serve implement publish back
consume use call read client
depend dependency need require rely upstream
dependent downstream break affect impact fail down outage
doc documentation readme guide
link url dashboard repo repository monitor grafana
kind type sort
lifecycle stage production deprecated experimental live retired retire
sub child subgroup subteam
parent above report
`)

func conceptTable(lines string) map[string]int {
	out := map[string]int{}
	for i, line := range strings.Split(strings.TrimSpace(lines), "\n") {
		for _, w := range strings.Fields(line) {
			out[stem(w)] = i + 1
		}
	}
	return out
}

// wordMatch is how well a question word matches a prototype word: the fuzzy word
// similarity, or 0.8 for two words of one concept.
func wordMatch(q, p word) float64 {
	cq, cp := concepts[q.Stem], concepts[p.Stem]
	switch {
	case q.Stem == p.Stem:
		return 1
	case whWords[q.Raw] && whWords[p.Raw]:
		return 0.5 // "which" for "who": the same kind of question, less sure
	case cq != 0 && cp != 0 && cq != cp:
		return 0 // "dependent" is no typo of "dependency"
	case cq != 0 && cq == cp:
		return max(0.8, similar(q, p))
	}
	return similar(q, p)
}

// parsedSpecs are intentSpecs with their prototypes split into words, each word marked
// with its side of the entity ("x").
var parsedSpecs, protoWeight = parseSpecList(intentSpecs)

type protoWord struct {
	word
	after bool // the word comes after "x"
}

type parsedSpec struct {
	intentSpec
	protos [][]protoWord
}

// parseSpecList splits the prototypes of specs into words and weighs each word by how few
// intents use it.
func parseSpecList(specs []intentSpec) ([]parsedSpec, map[string]float64) {
	out := make([]parsedSpec, len(specs))
	df := map[string]map[intent]bool{}
	for i, s := range specs {
		out[i].intentSpec = s
		for _, p := range s.prototypes {
			var ws []protoWord
			after := false
			for _, w := range words(p) {
				if w.Raw == "x" {
					after = true
					continue
				}
				if intentFiller(w.Raw) {
					continue
				}
				ws = append(ws, protoWord{w, after})
				if df[w.Stem] == nil {
					df[w.Stem] = map[intent]bool{}
				}
				df[w.Stem][s.intent] = true
			}
			out[i].protos = append(out[i].protos, ws)
		}
	}
	n := float64(len(specs))
	weight := map[string]float64{}
	for st, in := range df {
		weight[st] = math.Log(1 + n/float64(len(in)))
	}
	return out, weight
}

// intentScore is one intent and how well the question fits it.
type intentScore struct {
	intent intent
	score  float64
}

// scoreIntents ranks the intents for the question words q, the positions in skip being the
// entity's name (the words before and after it are told apart). kind is the entity's kind,
// "" when the question names none; an intent that does not apply to it counts for less.
// Each prototype scores half how much of its (weighted) words the question has and half how
// much of the question's intent words it explains; words no prototype knows are ignored.
func scoreIntents(q []word, skip map[int]bool, kind string) []intentScore {
	return scoreSpecs(q, skip, kind, parsedSpecs, protoWeight)
}

// scoreSpecs is scoreIntents over any specs, with their word weights.
func scoreSpecs(q []word, skip map[int]bool, kind string, specs []parsedSpec, protoWeight map[string]float64) []intentScore {
	type qword struct {
		word
		after, known bool // after the entity; some prototype word matches it
		side         bool // the entity's position is known
	}
	first := -1
	for i := range q {
		if skip[i] && first < 0 {
			first = i
		}
	}
	var rest []qword
	for i, w := range q {
		if skip[i] || intentFiller(w.Raw) || kind != "" && kindWords[w.Stem] == kind && first >= 0 {
			continue // "the order events API": "API" names the entity's kind
		}
		qw := qword{word: w, after: first >= 0 && i > first, side: first >= 0}
		for st := range protoWeight {
			if wordMatch(w, word{Raw: st, Stem: st}) >= 0.8 {
				qw.known = true
				break
			}
		}
		rest = append(rest, qw)
	}
	out := make([]intentScore, 0, len(specs))
	for _, s := range specs {
		best := 0.0
		for _, p := range s.protos {
			if len(p) == 0 {
				continue
			}
			var have, total float64
			explained := make([]float64, len(rest))
			for _, pw := range p {
				w := protoWeight[pw.Stem]
				total += w
				m := 0.0
				for j, qw := range rest {
					x := wordMatch(qw.word, pw.word)
					if qw.side && qw.after != pw.after {
						x *= 0.6
					}
					explained[j] = max(explained[j], x)
					m = max(m, x)
				}
				have += w * m
			}
			var qHave, qTotal float64
			for j, qw := range rest {
				if !qw.known {
					continue
				}
				w := protoWeight[qw.Stem]
				if w == 0 {
					w = 1
				}
				qTotal += w
				qHave += w * explained[j]
			}
			sc := 0.5 * have / total
			if qTotal > 0 {
				sc += 0.5 * qHave / qTotal
			}
			if s.intent != intentHowTo && s.intent != intentDescribe && onlyWh(p) {
				sc *= 0.6 // "what is in x" says little beyond "what"
			}
			best = max(best, sc)
		}
		if kind != "" && s.kinds != nil && !contains(s.kinds, kind) {
			best *= 0.5
		}
		out = append(out, intentScore{s.intent, best})
	}
	sortScores(out)
	return dedupeScores(out)
}

// dedupeScores keeps the best score of each intent (several specs may share one).
func dedupeScores(s []intentScore) []intentScore {
	seen := map[intent]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x.intent] {
			seen[x.intent] = true
			out = append(out, x)
		}
	}
	return out
}

func sortScores(s []intentScore) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].score > s[j-1].score; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// appliesTo reports whether in makes sense for an entity of kind.
func appliesTo(in intent, kind string) bool {
	for _, s := range intentSpecs {
		if s.intent == in {
			return s.kinds == nil || contains(s.kinds, kind)
		}
	}
	return false
}

// whWords are the question words.
var whWords = toSet("what which who whom whose where when why how")

// onlyWh reports whether a prototype has no word but question words.
func onlyWh(p []protoWord) bool {
	for _, w := range p {
		if !whWords[w.Raw] {
			return false
		}
	}
	return true
}

// intentFiller reports whether w says nothing about the intent. Unlike for names, "in" and
// "on" do: "what is in x" asks for parts, "who is on x" for members.
func intentFiller(w string) bool {
	return fillers[w] && w != "in" && w != "on"
}
