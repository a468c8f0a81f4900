package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/cursor"
)

// entitiesAfter is the "after" token of GET /entities' offset paging, as Backstage
// encodes it: base64 of {"limit":N,"offset":M}.
type entitiesAfter struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// getEntities serves GET /entities: every matching entity as a JSON array, or one page of
// them when limit, offset or after is given, with a Link header to the next page.
func (s *Server) getEntities(c *gin.Context) error {
	qv := c.Request.URL.Query()
	filter, err := parseFilter(qv)
	if err != nil {
		return err
	}
	order, err := parseOrder(qv["order"])
	if err != nil {
		return err
	}
	limit, hasLimit, err := queryInt(qv, "limit")
	if err != nil {
		return err
	}
	offset, _, err := queryInt(qv, "offset")
	if err != nil {
		return err
	}
	if hasLimit && limit == 0 {
		return inputErrorf("Invalid limit, must be greater than zero")
	}
	if _, ok := qv["after"]; ok {
		a, err := decodeAfter(qv.Get("after"))
		if err != nil {
			return err
		}
		offset = a.Offset
		if !hasLimit {
			limit = a.Limit
		}
	}
	q := catalog.Query{Filter: filter, OrderBy: order, Limit: limit, Offset: offset}
	return s.cachedRead(c, false, func() ([]byte, string, error) {
		page, err := s.catalog.Query(c.Request.Context(), q)
		if err != nil {
			return nil, "", err
		}
		var link string
		if limit > 0 && page.HasMore {
			next := encodeAfter(entitiesAfter{Limit: limit, Offset: offset + limit})
			link = "<" + nextEntitiesURL(c.Request.URL, next) + `>; rel="next"`
		}
		return encodeJSON(outEntities(page.Entities, commaList(qv["fields"]))), link, nil
	})
}

func encodeAfter(a entitiesAfter) string { return cursor.Std.Encode(a) }

func decodeAfter(s string) (entitiesAfter, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "+")
	if s == "" {
		return entitiesAfter{}, inputErrorf("Invalid after, must not be empty")
	}
	var a entitiesAfter
	if err := cursor.Std.Decode(s, &a); err != nil || a.Limit < 0 || a.Offset < 0 {
		return entitiesAfter{}, inputErrorf("Malformed after cursor %q", s)
	}
	return a, nil
}

// nextEntitiesURL is the current URL relative to the catalog's mount point with offset
// removed and after set, keeping the order of the other parameters as Backstage does.
func nextEntitiesURL(u *url.URL, after string) string {
	var parts []string
	set := false
	for kv := range strings.SplitSeq(u.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		switch name {
		case "offset":
			continue
		case "after":
			if set {
				continue
			}
			kv, set = "after="+url.QueryEscape(after), true
		}
		parts = append(parts, kv)
	}
	if !set {
		parts = append(parts, "after="+url.QueryEscape(after))
	}
	path := strings.TrimPrefix(u.Path, catalogPrefix)
	return path + "?" + strings.Join(parts, "&")
}

// getEntityByUID serves GET /entities/by-uid/{uid}.
func (s *Server) getEntityByUID(c *gin.Context) error {
	uid := c.Param("uid")
	return s.cachedRead(c, true, func() ([]byte, string, error) {
		e, err := s.catalog.EntityByUID(c.Request.Context(), uid)
		if errors.Is(err, catalog.ErrNotFound) {
			return nil, "", notFoundf("No entity with uid %s", uid)
		}
		if err != nil {
			return nil, "", err
		}
		return encodeJSON(outEntity(e, nil)), "", nil
	})
}

// deleteEntityByUID serves DELETE /entities/by-uid/{uid}. The entity comes back when its
// location is next refreshed, as in Backstage. The caller must see the entity (else 404)
// and be allowed to delete it (else 403): admins, and developers of the owning group.
func (s *Server) deleteEntityByUID(c *gin.Context) error {
	uid := c.Param("uid")
	e, err := s.catalog.EntityByUID(c.Request.Context(), uid)
	if err == nil {
		c.Set(ctxAuditTarget, e.Ref().String())
		if err := s.allowEntity(c, auth.ActionDeleteEntity, e); err != nil {
			return err
		}
		err = s.catalog.DeleteEntity(c.Request.Context(), uid)
	}
	if errors.Is(err, catalog.ErrNotFound) {
		return notFoundf("No entity with uid %s", uid)
	}
	if err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// pathRef is the entity ref named by the kind/namespace/name path parameters.
func pathRef(c *gin.Context) catalog.Ref {
	return catalog.Ref{Kind: c.Param("kind"), Namespace: c.Param("namespace"), Name: c.Param("name")}
}

func entityNotFound(r catalog.Ref) error {
	return notFoundf("No entity named '%s' found, with kind '%s' in namespace '%s'", r.Name, r.Kind, r.Namespace)
}

// getEntityByName serves GET /entities/by-name/{kind}/{namespace}/{name}.
func (s *Server) getEntityByName(c *gin.Context) error {
	ref := pathRef(c)
	return s.cachedRead(c, true, func() ([]byte, string, error) {
		e, err := s.catalog.EntityByRef(c.Request.Context(), ref)
		if errors.Is(err, catalog.ErrNotFound) {
			return nil, "", entityNotFound(ref)
		}
		if err != nil {
			return nil, "", err
		}
		return encodeJSON(outEntity(e, nil)), "", nil
	})
}

// ancestryJSON is the ancestry answer with every entity in Backstage's shape.
type ancestryJSON struct {
	RootEntityRef string             `json:"rootEntityRef"`
	Items         []ancestryItemJSON `json:"items"`
}

type ancestryItemJSON struct {
	Entity           any      `json:"entity"`
	ParentEntityRefs []string `json:"parentEntityRefs"`
}

// getEntityAncestry serves GET /entities/by-name/{kind}/{namespace}/{name}/ancestry.
func (s *Server) getEntityAncestry(c *gin.Context) error {
	ref := pathRef(c)
	a, err := s.catalog.Ancestry(c.Request.Context(), ref)
	if errors.Is(err, catalog.ErrNotFound) {
		return entityNotFound(ref)
	}
	if err != nil {
		return err
	}
	out := ancestryJSON{RootEntityRef: a.RootEntityRef, Items: make([]ancestryItemJSON, 0, len(a.Items))}
	for _, it := range a.Items {
		parents := it.ParentEntityRefs
		if parents == nil {
			parents = []string{}
		}
		out.Items = append(out.Items, ancestryItemJSON{Entity: outEntity(it.Entity, nil), ParentEntityRefs: parents})
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

// byRefsBody is POST /entities/by-refs' body.
type byRefsBody struct {
	EntityRefs *[]string       `json:"entityRefs"`
	Fields     []string        `json:"fields"`
	Query      json.RawMessage `json:"query"`
}

// postEntitiesByRefs serves POST /entities/by-refs: the entity for each ref, in order,
// null where none exists or it fails the filter.
func (s *Server) postEntitiesByRefs(c *gin.Context) error {
	var b byRefsBody
	if err := readJSON(c, &b, false); err != nil {
		return err
	}
	if b.EntityRefs == nil {
		return inputErrorf("request/body must have required property 'entityRefs'")
	}
	qv := c.Request.URL.Query()
	filter, err := parseFilter(qv)
	if err != nil {
		return err
	}
	if len(b.Query) > 0 {
		pf, err := parsePredicateJSON(b.Query)
		if err != nil {
			return err
		}
		filter = filterAllOf([]catalog.Filter{filter, pf})
	}
	fields := commaList(b.Fields)
	if len(fields) == 0 {
		fields = commaList(qv["fields"])
	}
	found, err := s.catalog.EntitiesByRefs(c.Request.Context(), *b.EntityRefs, filter)
	if err != nil {
		return err
	}
	items := make([]any, len(found))
	for i, e := range found {
		if e != nil {
			items[i] = outEntity(*e, fields)
		}
	}
	writeJSON(c, http.StatusOK, gin.H{"items": items})
	return nil
}
