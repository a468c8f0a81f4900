package finops

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
