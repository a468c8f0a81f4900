package api

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/catalog"
)

// statusUnresolvedRelation is the status item type the catalog sets for each relation whose
// target entity does not exist; its message names the target ref.
const statusUnresolvedRelation = "nextportal.io/unresolved-relation"

// entityPage is the data of entity.html.
type entityPage struct {
	layoutData
	Heading, Ref, Name, Kind, Namespace string
	Type, Lifecycle, Description        string
	Owner, System                       *uiLink
	Tags                                []string
	Labels                              []uiLabel
	Links                               []catalog.Link
	Relations                           []relationGroup
	Warnings                            []catalog.StatusItem
	YAML                                string
}

// uiLabel is one metadata label.
type uiLabel struct{ Key, Value string }

// relationGroup is the relations of one type, in the order the catalog returned them.
type relationGroup struct {
	Type    string
	Targets []relationTarget
}

// relationTarget is one related entity; Unresolved marks a ref with no entity behind it.
type relationTarget struct {
	Ref, URL   string
	Unresolved bool
}

// uiEntity serves an entity's page, or the 404 page when there is no such entity.
func (s *Server) uiEntity(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		ref := catalog.Ref{Kind: c.Param("kind"), Namespace: c.Param("namespace"), Name: c.Param("name")}
		e, err := s.catalog.EntityByRef(c.Request.Context(), ref)
		if errors.Is(err, catalog.ErrNotFound) || errors.Is(err, catalog.ErrInvalid) {
			// A ref that cannot be valid names no entity either.
			s.renderNotFound(c, u, "There is no entity "+ref.String()+" in the catalog.")
			return
		}
		if err != nil {
			s.renderError(c, u, fmt.Errorf("entity %s: %w", ref, err))
			return
		}
		p, err := newEntityPage(&e)
		if err != nil {
			s.renderError(c, u, err)
			return
		}
		p.layoutData = u.layout(c, p.Title, p.Nav)
		u.render(c, s.logger, 200, "entity.html", "layout", p)
	}
}

// newEntityPage gathers what the entity page shows.
func newEntityPage(e *catalog.Entity) (entityPage, error) {
	ref := e.Ref()
	p := entityPage{
		Heading:     cmpOr(e.Metadata.Title, e.Metadata.Name),
		Ref:         ref.String(),
		Name:        e.Metadata.Name,
		Kind:        e.Kind,
		Namespace:   ref.Namespace,
		Type:        specString(e, "type"),
		Lifecycle:   specString(e, "lifecycle"),
		Description: e.Metadata.Description,
		Owner:       refLink(specString(e, "owner"), "group", ref.Namespace),
		System:      refLink(specString(e, "system"), "system", ref.Namespace),
		Tags:        e.Metadata.Tags,
		Links:       e.Metadata.Links,
	}
	p.Title = p.Heading
	switch strings.ToLower(e.Kind) {
	case "api":
		p.Nav = "apis"
	case "group":
		p.Nav = "teams"
	default:
		p.Nav = "catalog"
	}
	for k, v := range e.Metadata.Labels {
		p.Labels = append(p.Labels, uiLabel{k, v})
	}
	slices.SortFunc(p.Labels, func(a, b uiLabel) int { return strings.Compare(a.Key, b.Key) })
	if e.Status != nil {
		p.Warnings = e.Status.Items
	}
	p.Relations = groupRelations(e.Relations, unresolvedRefs(e.Status))
	y, err := entityYAML(e)
	if err != nil {
		return entityPage{}, err
	}
	p.YAML = y
	return p, nil
}

// groupRelations groups relations by type, types sorted, targets in their given order.
func groupRelations(rels []catalog.Relation, unresolved map[string]bool) []relationGroup {
	var groups []relationGroup
	index := map[string]int{}
	for _, r := range rels {
		i, ok := index[r.Type]
		if !ok {
			i = len(groups)
			index[r.Type] = i
			groups = append(groups, relationGroup{Type: r.Type})
		}
		t := relationTarget{Ref: r.TargetRef, Unresolved: unresolved[strings.ToLower(r.TargetRef)]}
		if parsed, err := catalog.ParseRef(r.TargetRef, "", ""); err == nil {
			t.URL = entityURL(parsed)
		} else {
			t.Unresolved = true
		}
		groups[i].Targets = append(groups[i].Targets, t)
	}
	slices.SortStableFunc(groups, func(a, b relationGroup) int { return strings.Compare(a.Type, b.Type) })
	return groups
}

// refInMessage finds entity refs ("kind:namespace/name") inside a status message.
var refInMessage = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*`)

// unresolvedRefs returns the lowercased refs that the entity's unresolved-relation status
// items name.
func unresolvedRefs(st *catalog.Status) map[string]bool {
	out := map[string]bool{}
	if st == nil {
		return out
	}
	for _, it := range st.Items {
		if it.Type != statusUnresolvedRelation {
			continue
		}
		for _, m := range refInMessage.FindAllString(it.Message, -1) {
			// Names end in an alphanumeric, so trailing punctuation belongs to the sentence.
			out[strings.ToLower(strings.TrimRight(m, "._-"))] = true
		}
	}
	return out
}

// entityURL is the path of an entity's page: /catalog/{namespace}/{kind}/{name}.
func entityURL(r catalog.Ref) string {
	ns := r.Namespace
	if ns == "" {
		ns = catalog.DefaultNamespace
	}
	return "/catalog/" + url.PathEscape(strings.ToLower(ns)) + "/" + url.PathEscape(strings.ToLower(r.Kind)) + "/" + url.PathEscape(r.Name)
}

// refLink links a spec reference (such as spec.owner) as written, with Backstage's default
// kind for the field and the entity's namespace. A ref that does not parse is shown unlinked.
func refLink(ref, defaultKind, namespace string) *uiLink {
	if ref == "" {
		return nil
	}
	l := &uiLink{Text: ref}
	if r, err := catalog.ParseRef(ref, defaultKind, namespace); err == nil {
		l.URL = entityURL(r)
	}
	return l
}

// specString returns spec[key] when it is a string.
func specString(e *catalog.Entity, key string) string {
	v, _ := e.Spec[key].(string)
	return v
}

// cmpOr returns the first non-empty string.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
