package api

import (
	"crypto/rand"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/indexer"
	pagecursor "github.com/nextportal/portal/internal/cursor"
)

// defaultBackstagePageLimit is /api/search/query's page size when pageLimit is absent, as
// in Backstage.
const defaultBackstagePageLimit = 25

// typeCatalog is Backstage's document type of catalog entities. Every other type names an
// indexer source directly (techdocs, docs:<folder>, beir:<corpus>); a type nothing is
// indexed under finds nothing.
const typeCatalog = "software-catalog"

// backstageFilterFields maps the filters[...] keys Backstage's search UI sends to our
// filter fields.
var backstageFilterFields = map[string]string{
	"kind": indexer.FieldKind, "type": indexer.FieldType, "componenttype": indexer.FieldType,
	"owner": indexer.FieldOwner, "lifecycle": indexer.FieldLifecycle, "system": indexer.FieldSystem,
	"domain": indexer.FieldDomain, "tags": indexer.FieldTags, "tag": indexer.FieldTags,
	"source": indexer.FieldSource,
}

var (
	// typesParam matches types, types[] and types[0].
	typesParam = regexp.MustCompile(`^types(\[\d*\])?$`)
	// filtersParam matches filters[kind], filters[kind][] and filters[kind][0].
	filtersParam = regexp.MustCompile(`^filters\[([^\]]+)\](\[\d*\])?$`)
)

// backstageSearch is a parsed /api/search/query request.
type backstageSearch struct {
	q      indexer.Query
	offset int // of the page, for ranks
}

// backstageCursor is the pageCursor: the indexer's cursor and the offset it stands for.
type backstageCursor struct {
	Offset int    `json:"o"`
	Cursor string `json:"c"`
}

// parseBackstageSearch reads term, types, filters, pageCursor and pageLimit.
func parseBackstageSearch(v url.Values) (backstageSearch, error) {
	bs := backstageSearch{q: indexer.Query{Text: strings.TrimSpace(v.Get("term")), Mode: indexer.ModeHybrid}}
	var err error
	if bs.q.Limit, err = parseSearchLimit(v, "pageLimit"); err != nil {
		return bs, err
	}
	if bs.q.Limit == 0 {
		bs.q.Limit = defaultBackstagePageLimit
	}
	if c := strings.TrimSpace(v.Get("pageCursor")); c != "" {
		var cur backstageCursor
		if err := pagecursor.URL.Decode(c, &cur); err != nil || cur.Offset < 0 || cur.Cursor == "" {
			return bs, inputErrorf("invalid pageCursor: start again from the first page")
		}
		bs.offset, bs.q.Cursor = cur.Offset, cur.Cursor
	}
	var filters []searchFilter
	var sources []string
	for key, vals := range v {
		if typesParam.MatchString(key) {
			for _, t := range commaList(vals) {
				sources = append(sources, sourceOfType(t))
			}
			continue
		}
		m := filtersParam.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		field, ok := backstageFilterFields[strings.ToLower(m[1])]
		if !ok {
			return bs, inputErrorf("unsupported filter %q: use kind, type, owner, lifecycle, system, domain, tags or source", m[1])
		}
		for _, val := range vals {
			filters = append(filters, searchFilter{Field: field, Value: val})
		}
	}
	for _, src := range sources {
		filters = append(filters, searchFilter{Field: indexer.FieldSource, Value: src})
	}
	// Map iteration order is random; sort so the query (and so its cursor) is stable.
	slices.SortStableFunc(filters, func(a, b searchFilter) int { return strings.Compare(a.Field, b.Field) })
	bs.q.Filters, _, err = searchFilters(filters)
	return bs, err
}

// sourceOfType is the indexer source of a Backstage document type.
func sourceOfType(t string) string {
	if t = strings.ToLower(t); t == typeCatalog {
		return indexer.SourceCatalog
	}
	return t
}

// typeOfSource is the Backstage document type of an indexer source.
func typeOfSource(source string) string {
	if source == indexer.SourceCatalog {
		return typeCatalog
	}
	return source
}

// backstageResponse is /api/search/query's answer.
type backstageResponse struct {
	Results            []backstageResult `json:"results"`
	NextPageCursor     string            `json:"nextPageCursor,omitempty"`
	PreviousPageCursor string            `json:"previousPageCursor,omitempty"`
	NumberOfResults    int               `json:"numberOfResults"`
}

// backstageResult is one result: its type, its document and where the term matched.
type backstageResult struct {
	Type      string             `json:"type"`
	Document  any                `json:"document"`
	Highlight backstageHighlight `json:"highlight"`
	Rank      int                `json:"rank"`
}

// backstageHighlight is the highlighted text and title; matches are between the tags.
type backstageHighlight struct {
	PreTag  string            `json:"preTag"`
	PostTag string            `json:"postTag"`
	Fields  map[string]string `json:"fields"`
}

// getBackstageSearch serves Backstage's GET /api/search/query.
func (s *Server) getBackstageSearch(c *gin.Context) error {
	bs, err := parseBackstageSearch(c.Request.URL.Query())
	if err != nil {
		return err
	}
	return s.cachedSearch(c, func() ([]byte, error) {
		resp, err := s.backstageSearch(c, bs)
		if err != nil {
			return nil, err
		}
		return encodeJSON(resp), nil
	})
}

// backstageSearch runs bs as the caller and builds Backstage's answer. The highlight tags
// are random, so a document cannot forge them; a cached answer keeps its tags, and a
// document written after it was made changes the index and so ends its life.
func (s *Server) backstageSearch(c *gin.Context, bs backstageSearch) (backstageResponse, error) {
	resp := backstageResponse{Results: []backstageResult{}}
	res, err := s.runSearch(c, bs.q)
	if err != nil {
		return resp, err
	}
	resp.NumberOfResults = res.Total
	if res.NextCursor != "" {
		resp.NextPageCursor = encodeBackstageCursor(bs.offset+bs.q.Limit, res.NextCursor)
	}
	if res.PrevCursor != "" {
		resp.PreviousPageCursor = encodeBackstageCursor(max(0, bs.offset-bs.q.Limit), res.PrevCursor)
	}
	titles, err := s.entityTitles(c, res.Results)
	if err != nil {
		return resp, err
	}
	tag := rand.Text()
	pre, post := "<"+tag+">", "</"+tag+">"
	terms := indexer.QueryTerms(bs.q.Text)
	for i, r := range res.Results {
		resp.Results = append(resp.Results, backstageResult{
			Type:     typeOfSource(r.Source),
			Document: backstageDocument(r, titles),
			Highlight: backstageHighlight{PreTag: pre, PostTag: post, Fields: map[string]string{
				"text":     tagRanges(r.Snippet, r.Highlights, pre, post),
				"title":    tagRanges(r.Title, indexer.TermRanges(r.Title, terms), pre, post),
				"location": r.URL,
				"path":     docPath(r),
			}},
			Rank: bs.offset + i + 1,
		})
	}
	return resp, nil
}

// encodeBackstageCursor makes a pageCursor.
func encodeBackstageCursor(offset int, cursor string) string {
	return pagecursor.URL.Encode(backstageCursor{Offset: offset, Cursor: cursor})
}
