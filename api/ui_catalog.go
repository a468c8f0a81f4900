package api

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/cursor"
	"github.com/nextportal/portal/internal/errkind"
)

// uiPageSize is how many entities the catalog table shows per page.
const uiPageSize = 50

// uiFilters are the catalog page's filter selects: URL parameter, label, search-table key.
var uiFilters = []struct{ param, label, key string }{
	{"kind", "Kind", "kind"},
	{"type", "Type", "spec.type"},
	{"owner", "Owner", "spec.owner"},
	{"lifecycle", "Lifecycle", "spec.lifecycle"},
}

// uiNameFields are the fields the name box searches.
var uiNameFields = []string{"metadata.name", "metadata.title"}

// catalogPage is the data of catalog.html.
type catalogPage struct {
	layoutData
	Heading  string
	Q        string
	Selects  []uiSelect
	Filtered bool
	Rows     []entityRow
	Total    int
	First    int
	Last     int
	PrevURL  string
	NextURL  string
}

// uiSelect is one filter select and its options.
type uiSelect struct {
	Name, Label string
	Options     []uiOption
}

// uiOption is one value of a filter select.
type uiOption struct {
	Value    string
	Count    int
	Selected bool
}

// entityRow is one row of the catalog table.
type entityRow struct {
	Name, Title, URL, Kind, Type, Lifecycle, Description string
	Owner                                                *uiLink
}

// uiLink is a piece of text that links to a catalog page when URL is set.
type uiLink struct {
	Text, URL string
}

// uiCatalog serves the catalog table. The query parameters q, kind, type, owner and
// lifecycle filter it; after or before (a cursor) pick the page. With fragment=results it
// returns only the results section, which the search box swaps in as the user types.
func (s *Server) uiCatalog(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		params := c.Request.URL.Query()
		p := catalogPage{layoutData: u.layout(c, "Catalog", "catalog"), Heading: "Catalog"}
		p.Q = strings.TrimSpace(params.Get("q"))

		selected := map[string]string{}
		var leaves []catalog.Filter
		for _, f := range uiFilters {
			if v := strings.TrimSpace(params.Get(f.param)); v != "" {
				selected[f.param] = v
				leaves = append(leaves, catalog.Filter{Key: f.key, Values: []string{v}})
			}
		}
		p.Filtered = len(leaves) > 0 || p.Q != ""
		switch kind := strings.ToLower(selected["kind"]); {
		case kind == "api":
			p.Nav, p.Title, p.Heading = "apis", "APIs", "APIs"
		case kind == "group":
			p.Nav, p.Title, p.Heading = "teams", "Teams", "Teams"
		}

		q := catalog.Query{
			Filter:  allOf(leaves),
			OrderBy: []catalog.Order{{Field: "metadata.name"}},
			Limit:   uiPageSize,
		}
		if p.Q != "" {
			q.FullText = &catalog.FullText{Term: p.Q, Fields: uiNameFields}
		}
		var err error
		if q.After, err = decodeUICursor(params.Get("after")); err != nil {
			s.renderError(c, u, err)
			return
		}
		if q.Before, err = decodeUICursor(params.Get("before")); err != nil {
			s.renderError(c, u, err)
			return
		}
		page, err := s.catalog.Query(ctx, q)
		if err != nil {
			s.renderError(c, u, fmt.Errorf("query catalog: %w", err))
			return
		}
		p.setPage(page, q, params)

		if params.Get("fragment") == "results" {
			u.render(c, s.logger, 200, "catalog.html", "results", p)
			return
		}
		for _, f := range uiFilters {
			sel, err := s.uiSelect(c, f.param, f.label, f.key, leaves, selected[f.param])
			if err != nil {
				s.renderError(c, u, err)
				return
			}
			p.Selects = append(p.Selects, sel)
		}
		u.render(c, s.logger, 200, "catalog.html", "layout", p)
	}
}

// setPage fills the table rows, the counts and the pager links from one query page.
func (p *catalogPage) setPage(page catalog.Page, q catalog.Query, params url.Values) {
	for i := range page.Entities {
		p.Rows = append(p.Rows, newEntityRow(&page.Entities[i]))
	}
	p.Total = page.Total
	if len(p.Rows) == 0 {
		return
	}
	first, last := page.Positions[0], page.Positions[len(page.Positions)-1]
	hasPrev, hasNext := q.After != nil, page.HasMore
	if q.Before != nil {
		hasPrev, hasNext = page.HasMore, true
	}
	// start (the 1-based index of the first row) only labels the page; the cursor picks it.
	start := 1
	if q.After != nil || hasPrev {
		start, _ = strconv.Atoi(params.Get("start"))
	}
	if start > 0 {
		p.First, p.Last = start, start+len(p.Rows)-1
	}
	if hasPrev {
		p.PrevURL = pagerURL(params, "before", first, max(1, start-uiPageSize))
	}
	if hasNext {
		p.NextURL = pagerURL(params, "after", last, p.Last+1)
	}
}

// newEntityRow flattens an entity for the catalog table.
func newEntityRow(e *catalog.Entity) entityRow {
	ref := e.Ref()
	return entityRow{
		Name:        e.Metadata.Name,
		Title:       e.Metadata.Title,
		URL:         entityURL(ref),
		Kind:        e.Kind,
		Type:        specString(e, "type"),
		Lifecycle:   specString(e, "lifecycle"),
		Description: e.Metadata.Description,
		Owner:       refLink(specString(e, "owner"), "group", ref.Namespace),
	}
}

// uiSelect builds one filter select. Its options are the values present among entities
// matching the other filters, so each select only offers choices that narrow the table.
func (s *Server) uiSelect(c *gin.Context, param, label, key string, leaves []catalog.Filter, selected string) (uiSelect, error) {
	var others []catalog.Filter
	for _, l := range leaves {
		if l.Key != key {
			others = append(others, l)
		}
	}
	facets, err := s.catalog.Facets(c.Request.Context(), allOf(others), []string{key})
	if err != nil {
		return uiSelect{}, fmt.Errorf("facet %s: %w", key, err)
	}
	sel := uiSelect{Name: param, Label: label}
	found := false
	for _, f := range facets[key] {
		on := selected != "" && strings.EqualFold(f.Value, selected)
		found = found || on
		sel.Options = append(sel.Options, uiOption{Value: f.Value, Count: f.Count, Selected: on})
	}
	if selected != "" && !found {
		// Keep a value from the URL selectable even when nothing has it any more.
		sel.Options = append(sel.Options, uiOption{Value: selected, Selected: true})
	}
	return sel, nil
}

// allOf combines filter leaves; no leaves is the zero Filter, which matches everything.
func allOf(leaves []catalog.Filter) catalog.Filter {
	switch len(leaves) {
	case 0:
		return catalog.Filter{}
	case 1:
		return leaves[0]
	}
	return catalog.Filter{AllOf: leaves}
}

// pagerURL is the catalog URL for the page after or before pos, keeping the filters.
// start labels the new page; 1 or less leaves it unlabelled.
func pagerURL(params url.Values, dir string, pos catalog.Position, start int) string {
	v := url.Values{}
	for k, vals := range params {
		switch k {
		case "after", "before", "fragment", "start":
			continue
		}
		for _, val := range vals {
			if val != "" {
				v.Add(k, val)
			}
		}
	}
	v.Set(dir, cursor.URL.Encode(pos))
	if start > 1 {
		v.Set("start", strconv.Itoa(start))
	}
	return "/catalog?" + v.Encode()
}

// decodeUICursor decodes an after or before parameter; empty means none.
func decodeUICursor(s string) (*catalog.Position, error) {
	if s == "" {
		return nil, nil
	}
	var pos catalog.Position
	if err := cursor.URL.Decode(s, &pos); err != nil || len(pos.Values) != 1 || pos.UID == "" {
		return nil, errkind.Errorf(catalog.ErrInvalid, "malformed page cursor; go back to the first page")
	}
	return &pos, nil
}
