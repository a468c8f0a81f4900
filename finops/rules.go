package finops

import (
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// Rules say how cost rows' tags name catalog entities.
type Rules struct {
	// Component lists the tag keys whose value is a component's name, tried in order.
	Component []string
	// Group lists the tag keys whose value is a group's name (the owner).
	Group []string
	// Shared lists the tag keys that mark a row as shared; the value "true" splits the row
	// evenly across the entities named by SharedWith's tag, a list of "name" or
	// "name:weight" separated by commas or spaces ("proportional": by weight).
	Shared     []string
	SharedWith []string
}

// DefaultRules: application/app/service/component name a Component, team/owner a Group,
// shared=true with shared-with=… splits a row.
func DefaultRules() Rules {
	return Rules{
		Component:  []string{"application", "app", "service", "component"},
		Group:      []string{"team", "owner"},
		Shared:     []string{"shared"},
		SharedWith: []string{"shared-with", "shared_with"},
	}
}

func (r Rules) isZero() bool {
	return len(r.Component) == 0 && len(r.Group) == 0 && len(r.Shared) == 0 && len(r.SharedWith) == 0
}

// ruleKinds are the parts of a rules setting, in the order String writes them.
var ruleKinds = []string{"component", "group", "shared", "shared-with"}

func (r *Rules) list(kind string) *[]string {
	switch kind {
	case "component":
		return &r.Component
	case "group":
		return &r.Group
	case "shared":
		return &r.Shared
	case "shared-with":
		return &r.SharedWith
	}
	return nil
}

// ParseRules reads rules written as "component=application,app;group=team,owner;
// shared=shared;shared-with=shared-with": each part names the tag keys of one rule, tried
// in order. Parts left out keep their DefaultRules value; "" is DefaultRules.
func ParseRules(s string) (Rules, error) {
	r := DefaultRules()
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, keys, ok := strings.Cut(part, "=")
		l := r.list(strings.TrimSpace(kind))
		if !ok || l == nil {
			return Rules{}, errkind.Errorf(ErrInvalid, "tag rule %q: want KIND=KEY,KEY with KIND one of %s", clip(part), strings.Join(ruleKinds, ", "))
		}
		*l = nil
		for _, k := range strings.Split(keys, ",") {
			if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
				*l = append(*l, k)
			}
		}
	}
	return r, nil
}

// String writes r as ParseRules reads it.
func (r Rules) String() string {
	parts := make([]string, 0, len(ruleKinds))
	for _, k := range ruleKinds {
		parts = append(parts, k+"="+strings.Join(*r.list(k), ","))
	}
	return strings.Join(parts, ";")
}
