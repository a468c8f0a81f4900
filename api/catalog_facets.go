package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/nextportal/portal/catalog"
)

// getEntityFacets serves GET /entity-facets?facet=kind&facet=spec.type&filter=….
func (s *Server) getEntityFacets(c *gin.Context) error {
	qv := c.Request.URL.Query()
	facets := commaList(qv["facet"])
	if len(facets) == 0 {
		return inputErrorf("request/query must have required property 'facet'")
	}
	filter, err := parseFilter(qv)
	if err != nil {
		return err
	}
	return s.cachedRead(c, false, func() ([]byte, string, error) {
		body, err := s.facetsBody(c, filter, facets)
		return body, "", err
	})
}

// facetsBody is POST /entity-facets' body.
type facetsBody struct {
	Facets []string        `json:"facets"`
	Query  json.RawMessage `json:"query"`
}

// postEntityFacets serves POST /entity-facets, whose filter is a predicate in the body.
func (s *Server) postEntityFacets(c *gin.Context) error {
	var b facetsBody
	if err := readJSON(c, &b, false); err != nil {
		return err
	}
	if len(b.Facets) == 0 {
		return inputErrorf("request/body must have required property 'facets'")
	}
	filter, err := parsePredicateJSON(b.Query)
	if err != nil {
		return err
	}
	body, err := s.facetsBody(c, filter, b.Facets)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	writeBody(c, http.StatusOK, body)
	return nil
}

// facetsBody is the answer {"facets": {facet: [{value, count}]}}, with every requested
// facet present even when no entity has it.
func (s *Server) facetsBody(c *gin.Context, filter catalog.Filter, facets []string) ([]byte, error) {
	got, err := s.catalog.Facets(c.Request.Context(), filter, facets)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]catalog.FacetCount, len(facets))
	for _, f := range facets {
		counts := got[f]
		if counts == nil {
			counts = []catalog.FacetCount{}
		}
		out[f] = counts
	}
	return encodeJSON(gin.H{"facets": out}), nil
}
