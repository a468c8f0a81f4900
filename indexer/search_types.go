package indexer

// Mode selects the retrievers a search uses.
type Mode string

// The search modes. ModeHybrid is the default.
const (
	ModeLexical Mode = "lexical" // bleve BM25 only
	ModeVector  Mode = "vector"  // embeddings only
	ModeHybrid  Mode = "hybrid"  // both, fused
)

// ParseMode parses a mode name; "" is ModeHybrid.
func ParseMode(s string) (Mode, bool) {
	switch Mode(s) {
	case "":
		return ModeHybrid, true
	case ModeLexical, ModeVector, ModeHybrid:
		return Mode(s), true
	}
	return "", false
}

// Query is one search. The caller's principal (auth.FromContext) decides what it may see.
type Query struct {
	Text    string
	Mode    Mode
	Filters Filters
	// Limit is the page size: 1..100, 0 means 10.
	Limit int
	// Cursor continues a previous search (Results.NextCursor); it is only valid for the
	// same Text, Mode and Filters.
	Cursor string
	// Facets asks for facet counts of these fields (FilterFields); nil means none.
	Facets []string
}

// Results is one page of a search.
type Results struct {
	Results []Result
	// Total is the number of matching documents the search ranked (capped at the
	// candidate depth, see TotalCapped).
	Total       int
	TotalCapped bool
	NextCursor  string // "" on the last page
	PrevCursor  string // "" on the first page
	Facets      map[string][]FacetCount
	// DidYouMean is an entity name close to a query word that matches nothing, or "".
	DidYouMean string
}

// Result is one matching document and its best chunk.
type Result struct {
	DocID     string
	ChunkID   string
	Kind      string
	Source    string
	EntityRef string
	Title     string
	// URL links to the document, with #anchor of the best chunk's section for docs.
	URL     string
	Anchor  string
	Heading string
	Fields  map[string][]string
	// Score is the fused score (mode hybrid) or the single retriever's score.
	Score float64
	// Snippet is a plain-text excerpt of the best chunk; Highlights are byte ranges
	// [start, end) of Snippet that match query terms.
	Snippet    string
	Highlights [][2]int
}

// FacetCount is one value of a facet and how many ranked documents carry it.
type FacetCount struct {
	Value string
	Count int
}
