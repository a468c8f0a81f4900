package alert

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/errkind"
)

// Rule says which incidents raise alerts, when, how often and where.
type Rule struct {
	// ID is a slug: lowercase letters, digits and dashes.
	ID      string `json:"id"`
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
	// Entities, Kinds, Owner and Selector narrow the affected entity: any of these refs,
	// any of these kinds, owned by Owner, carrying every label of Selector. Empty: any.
	Entities []string          `json:"entities,omitempty"`
	Kinds    []string          `json:"kinds,omitempty"`
	Owner    string            `json:"owner,omitempty"`
	Selector map[string]string `json:"selector,omitempty"`
	// Series is a glob (path.Match) the incident's series must match; empty: any.
	Series string `json:"series,omitempty"`
	// Labels must all be among the incident's labels.
	Labels map[string]string `json:"labels,omitempty"`
	// Sources are the incident sources that alert (anomaly, alertmanager, …); empty: all but
	// postmortems, which are history.
	Sources []string `json:"sources,omitempty"`
	// MinSeverity is the least severity that alerts (default warning).
	MinSeverity incident.Severity `json:"minSeverity"`
	// For is how long an incident stays open before its alert fires (0: at once).
	For time.Duration `json:"-"`
	// Repeat is how often a firing alert is notified again (0: never).
	Repeat time.Duration `json:"-"`
	// Channels are the notify channels to use; empty: every configured channel.
	Channels  []string  `json:"channels,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Bounds of a rule.
const (
	maxRuleList  = 100
	maxRuleText  = 200
	maxRuleLabel = 20
	maxDuration  = 30 * 24 * time.Hour
)

var ruleID = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`)

// Validate checks r and fills its defaults (name, minimum severity).
func (r *Rule) Validate() error {
	switch {
	case !ruleID.MatchString(r.ID):
		return errkind.Errorf(ErrInvalid, "rule id %q: want 1 to 64 lowercase letters, digits and dashes", cut(r.ID, 80))
	case len(r.Name) > maxRuleText:
		return errkind.Errorf(ErrInvalid, "rule %s: name longer than %d bytes", r.ID, maxRuleText)
	case len(r.Entities) > maxRuleList || len(r.Kinds) > maxRuleList || len(r.Sources) > maxRuleList || len(r.Channels) > maxRuleList:
		return errkind.Errorf(ErrInvalid, "rule %s: more than %d entities, kinds, sources or channels", r.ID, maxRuleList)
	case len(r.Selector) > maxRuleLabel || len(r.Labels) > maxRuleLabel:
		return errkind.Errorf(ErrInvalid, "rule %s: more than %d selector or label pairs", r.ID, maxRuleLabel)
	case len(r.Owner) > maxRuleText || len(r.Series) > maxRuleText:
		return errkind.Errorf(ErrInvalid, "rule %s: owner or series longer than %d bytes", r.ID, maxRuleText)
	case r.For < 0 || r.For > maxDuration || r.Repeat < 0 || r.Repeat > maxDuration:
		return errkind.Errorf(ErrInvalid, "rule %s: for and repeat must be between 0 and 30 days", r.ID)
	case r.Repeat > 0 && r.Repeat < time.Minute:
		return errkind.Errorf(ErrInvalid, "rule %s: repeat must be at least a minute", r.ID)
	}
	if r.Name == "" {
		r.Name = r.ID
	}
	if r.MinSeverity == "" {
		r.MinSeverity = incident.SeverityWarning
	}
	if r.MinSeverity.Rank() == 0 {
		return errkind.Errorf(ErrInvalid, "rule %s: min severity %q: want info, warning, high or critical", r.ID, cut(string(r.MinSeverity), 40))
	}
	if r.Series != "" {
		if _, err := path.Match(r.Series, ""); err != nil {
			return errkind.Errorf(ErrInvalid, "rule %s: series %q is not a valid glob", r.ID, r.Series)
		}
	}
	for _, e := range r.Entities {
		if k, _, ok := strings.Cut(e, ":"); !ok || k == "" || !strings.Contains(e, "/") || len(e) > maxRuleText {
			return errkind.Errorf(ErrInvalid, "rule %s: entity %q: want a ref kind:namespace/name", r.ID, cut(e, 80))
		}
	}
	for _, s := range r.Sources {
		if !slices.Contains(sources, s) {
			return errkind.Errorf(ErrInvalid, "rule %s: source %q: want one of %s", r.ID, cut(s, 40), strings.Join(sources, ", "))
		}
	}
	for _, group := range [][]string{r.Kinds, r.Channels} {
		for _, v := range group {
			if v == "" || len(v) > maxRuleText {
				return errkind.Errorf(ErrInvalid, "rule %s: empty or overlong kind or channel", r.ID)
			}
		}
	}
	for _, m := range []map[string]string{r.Selector, r.Labels} {
		for k, v := range m {
			if k == "" || len(k) > maxRuleText || len(v) > maxRuleText {
				return errkind.Errorf(ErrInvalid, "rule %s: selector and label keys must be 1 to %d bytes", r.ID, maxRuleText)
			}
		}
	}
	return nil
}

var sources = []string{incident.SourceAnomaly, incident.SourceAlertmanager, incident.SourceEvents, incident.SourceManual, incident.SourcePostmortem}

// matchesIncident reports whether inc passes the rule's incident conditions: source,
// severity, series and labels (the entity conditions are matchesEntity's).
func (r *Rule) matchesIncident(inc *incident.Incident) bool {
	if len(r.Sources) == 0 {
		if inc.Source == incident.SourcePostmortem {
			return false
		}
	} else if !slices.Contains(r.Sources, inc.Source) {
		return false
	}
	if inc.Severity.Rank() < r.MinSeverity.Rank() {
		return false
	}
	if r.Series != "" {
		if ok, _ := path.Match(r.Series, inc.Series); !ok {
			return false
		}
	}
	for k, v := range r.Labels {
		if inc.Labels[k] != v {
			return false
		}
	}
	return true
}

// needsEntity reports whether matching the rule needs the entity's catalog record.
func (r *Rule) needsEntity() bool { return r.Owner != "" || len(r.Selector) > 0 }

// matchesEntity reports whether the entity ref (described by e when needsEntity) passes
// the rule's entity conditions.
func (r *Rule) matchesEntity(ref string, e Entity) bool {
	if len(r.Entities) > 0 && !slices.Contains(r.Entities, ref) {
		return false
	}
	if len(r.Kinds) > 0 {
		kind, _, _ := strings.Cut(ref, ":")
		if !slices.ContainsFunc(r.Kinds, func(k string) bool { return strings.EqualFold(k, kind) }) {
			return false
		}
	}
	if r.Owner != "" && !sameOwner(r.Owner, e.Owner) {
		return false
	}
	for k, v := range r.Selector {
		if e.Labels[k] != v {
			return false
		}
	}
	return true
}

// sameOwner compares owners as written in rules and specs: "payments" and
// "group:default/payments" name the same group.
func sameOwner(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		if !strings.Contains(s, ":") {
			s = "group:" + s
		}
		if !strings.Contains(s, "/") {
			k, n, _ := strings.Cut(s, ":")
			s = k + ":default/" + n
		}
		return s
	}
	return b != "" && norm(a) == norm(b)
}

// cut shortens s to at most n bytes for an error message.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
