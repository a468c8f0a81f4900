package api

import (
	"net/http"

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
	res, err := s.runSearch(c, q)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, outSearch(res, q.Facets))
	return nil
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
