package catalog

// Filter is a Backstage entity filter as a tree. The zero Filter matches every entity.
//
// A leaf (Key set) matches entities that have a search row for Key (lowercased, dotted path
// such as "kind", "spec.type", "metadata.tags.java" or "relations.ownedby") whose value equals
// one of Values, compared case-insensitively; with no Values it matches entities that have
// the key at all. AllOf, AnyOf and Not combine filters; exactly one of Key, AllOf, AnyOf and
// Not is set in a non-zero Filter.
//
// Backstage's query-string form maps onto it as: repeated filter parameters are AnyOf, the
// comma-separated conditions inside one are AllOf, and the same key twice inside one is one
// leaf with several Values.
type Filter struct {
	Key    string
	Values []string
	AllOf  []Filter
	AnyOf  []Filter
	Not    *Filter
}

// IsZero reports whether f matches everything.
func (f Filter) IsZero() bool {
	return f.Key == "" && len(f.AllOf) == 0 && len(f.AnyOf) == 0 && f.Not == nil
}

// Order sorts query results by the search-table value of Field ("metadata.name",
// "spec.type", …). Entities without the field sort last in either direction.
type Order struct {
	Field string
	Desc  bool
}

// FullText narrows a query to entities where one of Fields (search-table keys; when empty,
// the store's default set: metadata.name, metadata.title, metadata.description, spec.type,
// spec.owner, kind) contains Term as a case-insensitive substring.
type FullText struct {
	Term   string
	Fields []string
}

// Query selects a page of entities. Stores apply Filter and FullText, sort by OrderBy then by
// uid, and page either by Offset or, when After or Before is set, by keyset position (Before
// returns the page immediately preceding that position, still in ascending query order).
type Query struct {
	Filter   Filter
	FullText *FullText
	OrderBy  []Order
	Limit    int // 0 means no limit
	Offset   int
	After    *Position
	Before   *Position
}

// Position is an entity's place in a query's order: the lowercased sort values, one per
// Order (nil where the entity lacks the field), and the uid that breaks ties. Cursors are
// built from Positions.
type Position struct {
	Values []*string `json:"v"`
	UID    string    `json:"u"`
}

// Page is one page of a query.
type Page struct {
	Entities  []Entity
	Positions []Position // Positions[i] is the position of Entities[i]
	Total     int        // entities matching Filter and FullText, ignoring paging
	HasMore   bool       // entities exist after the last one of this page (before the first, for Before)
}

// FacetCount is one value of a facet and how many entities have it. Value keeps the
// original case of the entity's field.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}
