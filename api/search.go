package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/indexer"
)

// searchResponse is GET /api/v1/search's answer.
type searchResponse struct {
	Results     []searchResultJSON          `json:"results"`
	Total       int                         `json:"total"`
	TotalCapped bool                        `json:"totalCapped"`
	NextCursor  string                      `json:"nextCursor"`
	PrevCursor  string                      `json:"prevCursor"`
	Facets      map[string][]facetCountJSON `json:"facets"`
	DidYouMean  string                      `json:"didYouMean"`
}

// searchResultJSON is one document found. Highlights are byte ranges [start, end) of
// Snippet (UTF-8) that match query terms.
type searchResultJSON struct {
	DocID      string              `json:"docId"`
	ChunkID    string              `json:"chunkId"`
	Kind       string              `json:"kind"`
	Source     string              `json:"source"`
	EntityRef  string              `json:"entityRef"`
	Title      string              `json:"title"`
	URL        string              `json:"url"`
	Anchor     string              `json:"anchor"`
	Heading    string              `json:"heading"`
	Fields     map[string][]string `json:"fields"`
	Score      float64             `json:"score"`
	Snippet    string              `json:"snippet"`
	Highlights [][2]int            `json:"highlights"`
}

// facetCountJSON is one value of a facet and the number of matching documents with it.
type facetCountJSON struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// getSearch serves GET /api/v1/search: one page of a search over everything indexed that
// the caller may see.
func (s *Server) getSearch(c *gin.Context) error {
	q, _, err := parseSearchParams(c.Request.URL.Query())
	if err != nil {
		return err
	}
	return s.cachedSearch(c, func() ([]byte, error) {
		res, err := s.runSearch(c, q)
		if err != nil {
			return nil, err
		}
		return encodeJSON(outSearch(res, q.Facets)), nil
	})
}

// cachedSearch answers a search GET from the search cache while neither the catalog nor
// the search index has changed since the same caller class asked the same URL (see
// cachedAnswer); else fill runs the search and encodes its answer. Entity titles and
// visibility come from the catalog, ranks, snippets and facets from the index, so both
// versions key the answer.
func (s *Server) cachedSearch(c *gin.Context, fill func() ([]byte, error)) error {
	version, ok := s.searchVersion(c)
	return s.cachedAnswer(c, &s.searches, version, ok, false, func() ([]byte, string, error) {
		body, err := fill()
		return body, "", err
	})
}

// searchVersion is the version search answers are kept under: the catalog's generation and
// the search index's Version. ok is false when either has none (no read model, no index).
func (s *Server) searchVersion(c *gin.Context) (version string, ok bool) {
	if s.search == nil {
		return "", false
	}
	gen, ok := s.catalog.Generation()
	if !ok {
		return "", false
	}
	v, err := s.search.Version(c.Request.Context())
	if err != nil {
		return "", false
	}
	return strconv.FormatUint(gen, 10) + " " + v, true
}

// runSearch runs q as the caller. Without a search service it is a 503; invalid input the
// indexer finds (a cursor of another query) is a 400 with the indexer's message.
func (s *Server) runSearch(c *gin.Context, q indexer.Query) (*indexer.Results, error) {
	if s.search == nil {
		return nil, &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
			msg: "search is not available: the server runs without a search index"}
	}
	// Invalid queries are errkind.Invalid errors with a message for the caller: a 400.
	return s.search.Search(c.Request.Context(), q)
}

// outSearch converts a page of results to its JSON form, with empty lists and maps
// rather than nulls, and a (possibly empty) list for every facet asked for.
func outSearch(res *indexer.Results, facets []string) searchResponse {
	out := searchResponse{
		Results:     make([]searchResultJSON, 0, len(res.Results)),
		Total:       res.Total,
		TotalCapped: res.TotalCapped,
		NextCursor:  res.NextCursor,
		PrevCursor:  res.PrevCursor,
		Facets:      map[string][]facetCountJSON{},
		DidYouMean:  res.DidYouMean,
	}
	for _, r := range res.Results {
		fields := r.Fields
		if fields == nil {
			fields = map[string][]string{}
		}
		hl := r.Highlights
		if hl == nil {
			hl = [][2]int{}
		}
		out.Results = append(out.Results, searchResultJSON{
			DocID: r.DocID, ChunkID: r.ChunkID, Kind: r.Kind, Source: r.Source, EntityRef: r.EntityRef,
			Title: r.Title, URL: r.URL, Anchor: r.Anchor, Heading: r.Heading, Fields: fields,
			Score: r.Score, Snippet: r.Snippet, Highlights: hl,
		})
	}
	for field, counts := range res.Facets {
		list := make([]facetCountJSON, 0, len(counts))
		for _, fc := range counts {
			list = append(list, facetCountJSON{Value: fc.Value, Count: fc.Count})
		}
		out.Facets[field] = list
	}
	for _, f := range facets {
		if _, ok := out.Facets[f]; !ok {
			out.Facets[f] = []facetCountJSON{}
		}
	}
	return out
}
