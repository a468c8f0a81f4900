package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/indexer"
)

// uiSearchPageSize is how many results the search page shows per page.
const uiSearchPageSize = 20

// uiSearchFacets are the facets the search page shows, with their labels, in order.
var uiSearchFacets = []struct{ field, label string }{
	{indexer.FieldKind, "Kind"},
	{indexer.FieldType, "Type"},
	{indexer.FieldOwner, "Owner"},
	{indexer.FieldSystem, "System"},
	{indexer.FieldLifecycle, "Lifecycle"},
	{indexer.FieldTags, "Tags"},
	{indexer.FieldSource, "Source"},
}

// searchPage is the data of search.html.
type searchPage struct {
	layoutData
	Q           string
	Modes       []uiOption
	Chips       []searchChip
	Facets      []searchFacet
	Results     []searchRow
	Total       int
	TotalCapped bool
	DidYouMean  *uiLink
	PrevURL     string
	NextURL     string
	// Off is set when the server has no search index.
	Off bool
}

// searchChip is an active filter: its hidden form field and the URL without it.
type searchChip struct {
	Field, Value, Param, RemoveURL string
}

// searchFacet is one facet and its values.
type searchFacet struct {
	Field, Label string
	Values       []searchFacetValue
}

// searchFacetValue is one facet value; its URL toggles the filter on or off.
type searchFacetValue struct {
	Value  string
	Count  int
	Active bool
	URL    string
}

// searchRow is one result as the page shows it.
type searchRow struct {
	Title, URL, Kind, Source, EntityRef, Heading string
	Snippet                                      []textPart
}

// uiSearch serves the search page: q, mode, filter=field:value (repeated) and cursor, the
// same parameters as GET /api/v1/search, which search.js calls as the user types.
func (s *Server) uiSearch(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := searchPage{layoutData: u.layout(c, "Search", "search")}
		q, filters, err := parseSearchParams(c.Request.URL.Query())
		if err == nil {
			p.Q = q.Text
			q.Limit = uiSearchPageSize
			for _, f := range uiSearchFacets {
				q.Facets = append(q.Facets, f.field)
			}
			var res *indexer.Results
			if res, err = s.runSearch(c, q); err == nil {
				p.fill(q, filters, res)
			}
		}
		var ae *apiError
		switch {
		case err == nil:
		case errors.As(err, &ae) && ae.status == http.StatusServiceUnavailable:
			p.Off = true
		case errors.As(err, &ae) && ae.status == http.StatusBadRequest:
			s.renderBadSearch(c, u, ae.msg)
			return
		default:
			s.renderError(c, u, fmt.Errorf("search page: %w", err))
			return
		}
		p.Modes = modeOptions(q.Mode)
		u.render(c, s.logger, http.StatusOK, "search.html", "layout", p)
	}
}

// renderBadSearch shows the error page for a search the page cannot run, with a way back.
func (s *Server) renderBadSearch(c *gin.Context, u *ui, msg string) {
	p := errorPage{layoutData: u.layout(c, "Bad request", "search"), Heading: "This search cannot run",
		Message: msg + ". Start a new search from the search page."}
	u.render(c, s.logger, http.StatusBadRequest, "error.html", "layout", p)
}

// fill sets the page's results, chips, facets and pager links from one page of results.
func (p *searchPage) fill(q indexer.Query, filters []searchFilter, res *indexer.Results) {
	p.Total, p.TotalCapped = res.Total, res.TotalCapped
	for _, r := range res.Results {
		p.Results = append(p.Results, searchRow{
			Title: r.Title, URL: r.URL, Kind: rowKind(r), Source: r.Source, EntityRef: r.EntityRef,
			Heading: r.Heading, Snippet: splitMarked(r.Snippet, r.Highlights),
		})
	}
	for _, f := range filters {
		rest := slices.DeleteFunc(slices.Clone(filters), func(g searchFilter) bool { return g == f })
		p.Chips = append(p.Chips, searchChip{Field: f.Field, Value: f.Value, Param: f.Field + ":" + f.Value,
			RemoveURL: searchURL(q, rest, "")})
	}
	for _, f := range uiSearchFacets {
		facet := searchFacet{Field: f.field, Label: f.label}
		for _, fc := range res.Facets[f.field] {
			v := searchFacetValue{Value: fc.Value, Count: fc.Count}
			this := searchFilter{Field: f.field, Value: fc.Value}
			v.Active = slices.Contains(filters, this)
			toggled := append(slices.Clone(filters), this)
			if v.Active {
				toggled = slices.DeleteFunc(slices.Clone(filters), func(g searchFilter) bool { return g == this })
			}
			v.URL = searchURL(q, toggled, "")
			facet.Values = append(facet.Values, v)
		}
		if len(facet.Values) > 0 {
			p.Facets = append(p.Facets, facet)
		}
	}
	if res.DidYouMean != "" {
		dq := q
		dq.Text = res.DidYouMean
		p.DidYouMean = &uiLink{Text: res.DidYouMean, URL: searchURL(dq, filters, "")}
	}
	if res.PrevCursor != "" {
		p.PrevURL = searchURL(q, filters, res.PrevCursor)
	}
	if res.NextCursor != "" {
		p.NextURL = searchURL(q, filters, res.NextCursor)
	}
}

// rowKind labels a result: the entity kind for entities, "doc" for documents.
func rowKind(r indexer.Result) string {
	if r.Kind == indexer.KindEntity {
		if k := first(r.Fields[indexer.FieldKind]); k != "" {
			return k
		}
	}
	return r.Kind
}

// searchURL is the search page's URL for a query, filters and cursor.
func searchURL(q indexer.Query, filters []searchFilter, cursor string) string {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if q.Mode != "" && q.Mode != indexer.ModeHybrid {
		v.Set("mode", string(q.Mode))
	}
	for _, f := range filters {
		v.Add("filter", f.Field+":"+f.Value)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// modeOptions are the mode select's options.
func modeOptions(m indexer.Mode) []uiOption {
	if m == "" {
		m = indexer.ModeHybrid
	}
	var out []uiOption
	for _, mode := range []indexer.Mode{indexer.ModeHybrid, indexer.ModeLexical, indexer.ModeVector} {
		out = append(out, uiOption{Value: string(mode), Selected: mode == m})
	}
	return out
}
