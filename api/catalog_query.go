package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/nextportal/portal/catalog"
)

// defaultQueryLimit is by-query's page size when the request names none, as in Backstage.
const defaultQueryLimit = 20

// queryResponse is by-query's answer.
type queryResponse struct {
	Items      []any    `json:"items"`
	TotalItems int      `json:"totalItems"`
	PageInfo   pageInfo `json:"pageInfo"`
}

type pageInfo struct {
	NextCursor string `json:"nextCursor,omitempty"`
	PrevCursor string `json:"prevCursor,omitempty"`
}

// queryRequest is a by-query request from either the query string or a POST body.
type queryRequest struct {
	q      catalog.Query
	fields []string
	cursor bool // q came from a cursor
}

// getEntitiesByQuery serves GET /entities/by-query.
func (s *Server) getEntitiesByQuery(c *gin.Context) error {
	qv := c.Request.URL.Query()
	req := queryRequest{fields: commaList(qv["fields"])}
	limit, hasLimit, err := queryInt(qv, "limit")
	if err != nil {
		return err
	}
	offset, _, err := queryInt(qv, "offset")
	if err != nil {
		return err
	}
	if _, ok := qv["cursor"]; ok {
		cur, err := decodeCursor(qv.Get("cursor"))
		if err != nil {
			return err
		}
		req.q, req.cursor = cur.query(), true
	} else {
		if req.q.Filter, err = parseFilter(qv); err != nil {
			return err
		}
		if req.q.OrderBy, err = parseOrderFields(qv["orderField"]); err != nil {
			return err
		}
		if term := strings.TrimSpace(qv.Get("fullTextFilterTerm")); term != "" {
			req.q.FullText = &catalog.FullText{Term: term, Fields: commaList(qv["fullTextFilterFields"])}
		}
		req.q.Offset = offset
	}
	if hasLimit {
		req.q.Limit = limit
	} else if req.q.Limit == 0 {
		req.q.Limit = defaultQueryLimit
	}
	return s.cachedRead(c, false, func() ([]byte, string, error) {
		body, err := s.queryBody(c, req, hasLimit && limit == 0)
		return body, "", err
	})
}

// postQueryBody is POST /entities/by-query's body (QueryEntitiesByPredicate).
type postQueryBody struct {
	Cursor         *string         `json:"cursor"`
	Limit          *json.Number    `json:"limit"`
	Offset         *json.Number    `json:"offset"`
	OrderBy        []cursorOrder   `json:"orderBy"`
	OrderField     json.RawMessage `json:"orderField"`
	FullTextFilter *cursorFullText `json:"fullTextFilter"`
	Fields         []string        `json:"fields"`
	Query          json.RawMessage `json:"query"`
}

// postEntitiesByQuery serves POST /entities/by-query, which takes a filter predicate
// ({"kind": "component", "spec.type": {"$in": [...]}, "$any": [...]}) in its body.
func (s *Server) postEntitiesByQuery(c *gin.Context) error {
	var b postQueryBody
	if err := readOptionalJSON(c, &b); err != nil {
		return err
	}
	req := queryRequest{fields: commaList(b.Fields)}
	limit, hasLimit, err := bodyInt(b.Limit, "limit")
	if err != nil {
		return err
	}
	offset, _, err := bodyInt(b.Offset, "offset")
	if err != nil {
		return err
	}
	if b.Cursor != nil {
		cur, err := decodeCursor(*b.Cursor)
		if err != nil {
			return err
		}
		req.q, req.cursor = cur.query(), true
	} else {
		if req.q.Filter, err = parsePredicateJSON(b.Query); err != nil {
			return err
		}
		if req.q.OrderBy, err = bodyOrder(b.OrderBy, b.OrderField); err != nil {
			return err
		}
		if ft := b.FullTextFilter; ft != nil && strings.TrimSpace(ft.Term) != "" {
			req.q.FullText = &catalog.FullText{Term: strings.TrimSpace(ft.Term), Fields: ft.Fields}
		}
		req.q.Offset = offset
	}
	if hasLimit {
		req.q.Limit = limit
	} else if req.q.Limit == 0 {
		req.q.Limit = defaultQueryLimit
	}
	return s.runQuery(c, req, hasLimit && limit == 0)
}

// runQuery runs one by-query page and writes it with its cursors.
func (s *Server) runQuery(c *gin.Context, req queryRequest, countOnly bool) error {
	body, err := s.queryBody(c, req, countOnly)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	writeBody(c, http.StatusOK, body)
	return nil
}

// queryBody runs one by-query page and returns the answer with its cursors. A next cursor
// is given when entities follow the page, a previous cursor when entities precede it.
func (s *Server) queryBody(c *gin.Context, req queryRequest, countOnly bool) ([]byte, error) {
	q := req.q
	if countOnly {
		q.Limit = 1 // the catalog reads Limit 0 as "no limit"; only the total is wanted
	}
	page, err := s.catalog.Query(c.Request.Context(), q)
	if err != nil {
		return nil, err
	}
	resp := queryResponse{Items: []any{}, TotalItems: page.Total}
	if countOnly {
		return encodeJSON(resp), nil
	}
	resp.Items = outEntities(page.Entities, req.fields)
	if n := len(page.Positions); n > 0 {
		first, last := page.Positions[0], page.Positions[n-1]
		var hasNext, hasPrev bool
		switch {
		case q.Before != nil:
			hasNext, hasPrev = true, page.HasMore
		case q.After != nil:
			hasNext, hasPrev = page.HasMore, true
		default:
			hasNext, hasPrev = page.HasMore, q.Offset > 0
		}
		base := q
		base.Offset = 0
		if hasNext {
			resp.PageInfo.NextCursor = encodeCursor(newCursor(base, last, false))
		}
		if hasPrev {
			resp.PageInfo.PrevCursor = encodeCursor(newCursor(base, first, true))
		}
	}
	return encodeJSON(resp), nil
}

// bodyInt reads a non-negative integer from a JSON body field.
func bodyInt(n *json.Number, name string) (int, bool, error) {
	if n == nil {
		return 0, false, nil
	}
	v, err := n.Int64()
	if err != nil {
		return 0, false, inputErrorf("request/body/%s must be integer", name)
	}
	if v < 0 {
		return 0, false, inputErrorf("request/body/%s must be >= 0", name)
	}
	return int(v), true, nil
}

// bodyOrder reads the order of a POST by-query body: orderBy [{field, order}] as the
// OpenAPI spec has it, or orderField ["field,order"] as some Backstage versions send.
func bodyOrder(orderBy []cursorOrder, orderField json.RawMessage) ([]catalog.Order, error) {
	var out []catalog.Order
	for _, o := range orderBy {
		if strings.TrimSpace(o.Field) == "" {
			return nil, inputErrorf("request/body/orderBy: field is required")
		}
		switch o.Order {
		case "asc", "":
			out = append(out, catalog.Order{Field: o.Field})
		case "desc":
			out = append(out, catalog.Order{Field: o.Field, Desc: true})
		default:
			return nil, inputErrorf("Invalid order field order, must be asc or desc (got %q)", o.Order)
		}
	}
	if len(orderField) == 0 || string(orderField) == "null" {
		return out, nil
	}
	var list []string
	if err := json.Unmarshal(orderField, &list); err != nil {
		var one string
		if err := json.Unmarshal(orderField, &one); err != nil {
			return nil, inputErrorf("request/body/orderField must be a string or an array of strings")
		}
		list = []string{one}
	}
	more, err := parseOrderFields(list)
	return append(out, more...), err
}
