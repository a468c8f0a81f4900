package assistant

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// walkResult is what a relation walk established about one entity.
type walkResult struct {
	facts   []Fact
	related []string // refs of the entities the facts name besides the subject
}

// relationOf maps the intents answered by one relation type to it.
var relationOf = map[intent][]string{
	intentOwner:      {catalog.RelationOwnedBy},
	intentOwned:      {catalog.RelationOwnerOf},
	intentMembers:    {catalog.RelationHasMember},
	intentGroupsOf:   {catalog.RelationMemberOf},
	intentParent:     {catalog.RelationChildOf},
	intentChildren:   {catalog.RelationParentOf},
	intentParts:      {catalog.RelationHasPart},
	intentProvides:   {catalog.RelationProvidesAPI},
	intentConsumes:   {catalog.RelationConsumesAPI},
	intentProviders:  {catalog.RelationAPIProvidedBy},
	intentConsumers:  {catalog.RelationAPIConsumedBy},
	intentDependsOn:  {catalog.RelationDependsOn},
	intentDependents: {catalog.RelationDependencyOf, catalog.RelationAPIConsumedBy},
}

// phrase words each relation answer: %s is the subject, %s the targets.
var phrase = map[intent][2]string{
	intentOwner:      {"%s is owned by %s.", "%s has no owner recorded in the catalog."},
	intentOwned:      {"%s owns %s.", "%s owns nothing in the catalog."},
	intentMembers:    {"The members of %s are %s.", "%s has no members recorded in the catalog."},
	intentGroupsOf:   {"%s is a member of %s.", "%s is not a member of any group in the catalog."},
	intentParent:     {"%s is part of %s.", "%s has no parent group in the catalog."},
	intentChildren:   {"The groups under %s are %s.", "%s has no child groups in the catalog."},
	intentParts:      {"%s is made up of %s.", "The catalog lists no parts of %s."},
	intentProvides:   {"%s provides %s.", "%s provides no APIs in the catalog."},
	intentConsumes:   {"%s consumes %s.", "%s consumes no APIs in the catalog."},
	intentProviders:  {"%s is provided by %s.", "The catalog names no provider of %s."},
	intentConsumers:  {"%s is consumed by %s.", "The catalog names no consumers of %s."},
	intentDependsOn:  {"%s depends on %s.", "%s has no dependencies recorded in the catalog."},
	intentDependents: {"%s is depended on by %s.", "Nothing in the catalog depends on %s."},
	intentSystem:     {"%s is part of the %s system.", "%s is not part of any system in the catalog."},
	intentDomain:     {"%s belongs to the %s domain.", "%s belongs to no domain in the catalog."},
}

// maxListed is how many related entities one sentence names.
const maxListed = 30

// walk answers in about e: facts citing e (source subj) and the entities related to it.
func (s *Service) walk(ctx context.Context, e *catalog.Entity, in intent, ss *sourceSet) (walkResult, error) {
	subj := ss.add(entitySource(e))
	name := displayName(e)
	var res walkResult
	fact := func(text string, src ...int) { res.facts = append(res.facts, Fact{Text: text, Sources: src}) }
	switch in {
	case intentSystem, intentDomain:
		return s.walkUp(ctx, e, in, ss)
	case intentLifecycle:
		if l, _ := e.Spec["lifecycle"].(string); l != "" {
			fact(fmt.Sprintf("%s is in the %s lifecycle stage.", name, l), subj)
		} else {
			fact(fmt.Sprintf("%s has no lifecycle recorded in the catalog.", name), subj)
		}
		return res, nil
	case intentType:
		t, _ := e.Spec["type"].(string)
		if t != "" {
			fact(fmt.Sprintf("%s is a %s of type %s.", name, e.Kind, t), subj)
		} else {
			fact(fmt.Sprintf("%s is a %s.", name, e.Kind), subj)
		}
		return res, nil
	case intentLinks:
		var ls []string
		for _, l := range e.Metadata.Links {
			if l.Title != "" {
				ls = append(ls, l.Title+" ("+l.URL+")")
			} else {
				ls = append(ls, l.URL)
			}
		}
		if len(ls) == 0 {
			fact(fmt.Sprintf("%s has no links in the catalog.", name), subj)
		} else {
			fact(fmt.Sprintf("The links of %s are %s.", name, joinList(ls)), subj)
		}
		return res, nil
	case intentDescribe:
		return s.describe(ctx, e, ss)
	}
	types, ok := relationOf[in]
	if !ok {
		return res, nil
	}
	targets, err := s.related(ctx, e, types...)
	if err != nil {
		return res, err
	}
	p := phrase[in]
	if len(targets) == 0 {
		fact(fmt.Sprintf(p[1], name), subj)
		return res, nil
	}
	srcs := []int{subj}
	var names []string
	for i, t := range targets {
		res.related = append(res.related, refString(t.Ref()))
		if i < maxListed {
			srcs = append(srcs, ss.add(entitySource(t)))
			names = append(names, displayName(t))
		}
	}
	if len(targets) > maxListed {
		names = append(names, fmt.Sprintf("%d more", len(targets)-maxListed))
	}
	fact(fmt.Sprintf(p[0], name, joinList(names)), srcs...)
	return res, nil
}

// walkUp answers the system or domain of e.
func (s *Service) walkUp(ctx context.Context, e *catalog.Entity, in intent, ss *sourceSet) (walkResult, error) {
	var res walkResult
	subj := ss.add(entitySource(e))
	want := "system"
	if in == intentDomain {
		want = "domain"
	}
	parents, err := s.related(ctx, e, catalog.RelationPartOf)
	if err != nil {
		return res, err
	}
	for _, p := range parents {
		k := strings.ToLower(p.Kind)
		if k == want {
			res.related = append(res.related, refString(p.Ref()))
			res.facts = append(res.facts, Fact{Text: fmt.Sprintf(phrase[in][0], displayName(e), displayName(p)),
				Sources: []int{subj, ss.add(entitySource(p))}})
			return res, nil
		}
		if k == "system" && want == "domain" {
			// A component's domain is its system's.
			sys := ss.add(entitySource(p))
			up, err := s.walkUp(ctx, p, in, ss)
			if err != nil {
				return res, err
			}
			if len(up.related) > 0 {
				res.related = append([]string{refString(p.Ref())}, up.related...)
				dom, _ := s.entity(ctx, up.related[0])
				if dom != nil {
					res.facts = append(res.facts, Fact{Text: fmt.Sprintf("%s is part of the %s system, which belongs to the %s domain.",
						displayName(e), displayName(p), displayName(dom)), Sources: []int{subj, sys, ss.add(entitySource(dom))}})
					return res, nil
				}
			}
		}
	}
	res.facts = append(res.facts, Fact{Text: fmt.Sprintf(phrase[in][1], displayName(e)), Sources: []int{subj}})
	return res, nil
}

// describe states what the catalog says about e: what it is, its description, owner,
// system and lifecycle.
func (s *Service) describe(ctx context.Context, e *catalog.Entity, ss *sourceSet) (walkResult, error) {
	var res walkResult
	subj := ss.add(entitySource(e))
	name := displayName(e)
	what := strings.ToLower(e.Kind)
	if t, _ := e.Spec["type"].(string); t != "" {
		what = t + " " + what
	}
	text := fmt.Sprintf("%s is %s %s", name, article(what), what)
	if l, _ := e.Spec["lifecycle"].(string); l != "" {
		text += " in " + l
	}
	res.facts = append(res.facts, Fact{Text: text + ".", Sources: []int{subj}})
	if d := strings.TrimSpace(e.Metadata.Description); d != "" {
		if !strings.HasSuffix(d, ".") {
			d += "."
		}
		res.facts = append(res.facts, Fact{Text: d, Sources: []int{subj}})
	}
	if p, ok := e.Spec["profile"].(map[string]any); ok {
		if m, _ := p["email"].(string); m != "" {
			res.facts = append(res.facts, Fact{Text: fmt.Sprintf("Their email is %s.", m), Sources: []int{subj}})
		}
	}
	for _, in := range []intent{intentOwner, intentSystem, intentGroupsOf} {
		if !appliesTo(in, strings.ToLower(e.Kind)) {
			continue
		}
		r, err := s.walk(ctx, e, in, ss)
		if err != nil {
			return res, err
		}
		if len(r.related) > 0 {
			res.facts = append(res.facts, r.facts...)
			res.related = append(res.related, r.related...)
		}
	}
	return res, nil
}

func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an"
	}
	return "a"
}

// related returns the entities e relates to by any of types that the asker may see,
// sorted by name.
func (s *Service) related(ctx context.Context, e *catalog.Entity, types ...string) ([]*catalog.Entity, error) {
	var refs []string
	seen := map[string]bool{}
	for _, r := range e.Relations {
		t := strings.ToLower(r.TargetRef)
		if contains(types, r.Type) && !seen[t] {
			seen[t] = true
			refs = append(refs, t)
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	es, err := s.cat.EntitiesByRefs(ctx, refs, catalog.Filter{})
	if err != nil {
		return nil, fmt.Errorf("read entities related to %s: %w", e.Ref(), err)
	}
	out := es[:0]
	for _, x := range es {
		if x != nil {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return displayName(out[i]) < displayName(out[j]) })
	return out, nil
}

// entity returns the entity with ref if the asker may see it, or nil.
func (s *Service) entity(ctx context.Context, ref string) (*catalog.Entity, error) {
	r, err := catalog.ParseRef(ref, "", catalog.DefaultNamespace)
	if err != nil {
		return nil, nil
	}
	e, err := s.cat.EntityByRef(ctx, r)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	return &e, nil
}

// joinList joins names as "a, b and c".
func joinList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
