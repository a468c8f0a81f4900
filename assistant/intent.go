package assistant

import "strings"

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
	{intentParts, []string{"system", "domain"}, []string{
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
		"who provides x", "which service implements x", "what serves x", "which component exposes x",
		"where is x implemented", "provider of x", "what backs x"}},
	{intentConsumers, []string{"api"}, []string{
		"who consumes x", "which services use x", "who calls x", "consumers of x", "clients of x",
		"what talks to x", "who reads from x", "which components depend on the x api"}},
	{intentDependsOn, []string{"component", "resource"}, []string{
		"what does x depend on", "what are the dependencies of x", "what does x need", "what does x require",
		"dependencies of x", "what does x rely on", "which resources does x use", "which databases does x use",
		"what does x talk to", "upstream of x"}},
	{intentDependents, nil, []string{
		"what depends on x", "what uses x", "what would break if x goes down", "who relies on x",
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
		"what is x", "tell me about x", "describe x", "what does x do", "who is x", "explain x",
		"info on x", "overview of x", "what is the purpose of x"}},
	{intentHowTo, nil, []string{
		"how do i", "how to", "how can i", "what is the process for", "steps to", "procedure for",
		"why did we choose", "why do we use", "what should i do when", "when should i", "how does x work",
		"what happens when", "is it safe to", "what is the policy on", "how should i handle", "where do i",
		"what to do if", "how are", "how is", "why", "runbook for", "what was decided about", "decision on"}},
}

// parsedSpecs are intentSpecs with their prototypes split into words.
var parsedSpecs = parseSpecs()

type parsedSpec struct {
	intentSpec
	protos [][]word
}

func parseSpecs() []parsedSpec {
	out := make([]parsedSpec, len(intentSpecs))
	for i, s := range intentSpecs {
		out[i].intentSpec = s
		for _, p := range s.prototypes {
			var ws []word
			for _, w := range words(p) {
				if w.Raw != "x" && !fillers[w.Raw] {
					ws = append(ws, w)
				}
			}
			out[i].protos = append(out[i].protos, ws)
		}
	}
	return out
}

// intentScore is one intent and how well the question fits it.
type intentScore struct {
	intent intent
	score  float64
}

// scoreIntents ranks the intents for the question words q, ignoring the positions in skip
// (the entity's name). kind is the entity's kind, "" when the question names none; an
// intent that does not apply to it counts for less. Each prototype scores the fuzzy overlap
// of its words with the question's: mostly how many of its words the question has, a little
// how many question words it explains.
func scoreIntents(q []word, skip map[int]bool, kind string) []intentScore {
	var rest []word
	for i, w := range q {
		if !skip[i] && !fillers[w.Raw] {
			rest = append(rest, w)
		}
	}
	out := make([]intentScore, 0, len(parsedSpecs))
	for _, s := range parsedSpecs {
		best := 0.0
		for _, p := range s.protos {
			if len(p) == 0 {
				continue
			}
			var matched float64
			for _, pw := range p {
				m := 0.0
				for _, qw := range rest {
					m = max(m, similar(qw, pw))
				}
				matched += m
			}
			sc := 0.75 * matched / float64(len(p))
			if len(rest) > 0 {
				sc += 0.25 * min(1, matched/float64(len(rest)))
			}
			best = max(best, sc)
		}
		if kind != "" && s.kinds != nil && !contains(s.kinds, kind) {
			best *= 0.5
		}
		out = append(out, intentScore{s.intent, best})
	}
	sortScores(out)
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
