package catalog

import (
	"context"
	"time"
)

// Location is a registered place the catalog reads entities from. Type "file" is a file or a
// directory of catalog-info.yaml files on the portal's machine, under a configured root.
type Location struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Target    string    `json:"target"`
	CreatedAt time.Time `json:"-"`
}

// Key returns the location's "type:target" form used in managed-by annotations.
func (l Location) Key() string { return l.Type + ":" + l.Target }

// SearchRow is one flattened (key, value) pair of an entity, the way Backstage's search
// table holds it: Key and Value lowercased, OriginalValue as written (used for facets).
// Value is nil for values too long to index; the key still counts for existence filters.
type SearchRow struct {
	Key           string
	Value         *string
	OriginalValue *string
}

// RelationRow is one stored relation edge, Source -[Type]-> Target, as canonical refs.
// An entity's relation inference produces rows in both directions; they are owned by (and
// replaced and deleted with) the entity that produced them.
type RelationRow struct {
	Source string
	Type   string
	Target string
}

// Processed is an entity ready to be stored: validated, annotated, with its relations in both
// directions and its search rows computed. Hash is a content hash of Entity as emitted, so the
// store can skip unchanged entities.
type Processed struct {
	Entity    Entity
	Relations []RelationRow
	Search    []SearchRow
	Hash      string
	// Body is the entity's JSON encoding without what the store assigns or computes (uid,
	// etag, generation, relations, status), as Process encoded it for Hash: a store may keep
	// it as the entity's stored form instead of encoding the entity again. Empty when the
	// Processed was not made by Process; it must not be set for any other entity than Entity.
	Body string
	// Parent is the canonical ref of the Location entity that emitted this one (for
	// ancestry); empty for the location's own generated root entity.
	Parent string
}

// ApplyResult counts what a Store.ReplaceLocationEntities call changed. Conflicts lists the
// refs that were skipped because another location already manages them.
type ApplyResult struct {
	Added     int
	Updated   int
	Unchanged int
	Removed   int
	Conflicts []string
}

// Store is what the catalog needs from a database. Package store implements it on SQLite and
// PostgreSQL; store/storetest holds the contract tests both engines pass. Refs passed to and
// returned by a Store are canonical (Ref.String()).
type Store interface {
	// ReplaceLocationEntities makes the entities emitted by location locationID exactly
	// entities, in one transaction: it inserts new ones (assigning uid, etag and generation 1),
	// updates changed ones (new etag, generation+1, same uid), leaves those with an unchanged
	// Hash untouched, and deletes entities the location emitted before but not now. An entity
	// whose ref is already managed by another location is skipped and listed in Conflicts.
	ReplaceLocationEntities(ctx context.Context, locationID string, entities []Processed) (ApplyResult, error)

	// EntityByRef returns the entity with that canonical ref, with Relations filled (every
	// stored relation row whose Source is the ref, deduplicated, sorted by type then target).
	// It returns ErrNotFound when there is none.
	EntityByRef(ctx context.Context, ref string) (Entity, error)
	// EntityByUID is EntityByRef by uid.
	EntityByUID(ctx context.Context, uid string) (Entity, error)
	// EntitiesByRefs returns, in the order of refs, the entity for each ref that exists and
	// matches filter; the slice has a nil where it does not.
	EntitiesByRefs(ctx context.Context, refs []string, filter Filter) ([]*Entity, error)
	// QueryEntities returns one page of entities matching q, with Relations filled.
	QueryEntities(ctx context.Context, q Query) (Page, error)
	// Facets counts, for each facet key, the original values among entities matching filter,
	// sorted by value.
	Facets(ctx context.Context, filter Filter, facets []string) (map[string][]FacetCount, error)
	// ExistingRefs reports which of refs name a stored entity that matches filter.
	ExistingRefs(ctx context.Context, refs []string, filter Filter) (map[string]bool, error)
	// RelationTargets returns the distinct targets (canonical, lowercased refs, sorted) of
	// the stored relations of type typ, compared case-insensitively.
	RelationTargets(ctx context.Context, typ string) ([]string, error)
	// ParentRef returns the Parent stored with the entity (empty for a root), or ErrNotFound.
	ParentRef(ctx context.Context, ref string) (string, error)
	// DeleteEntity deletes an entity by uid with its search rows and the relation rows it
	// produced. It returns ErrNotFound when there is none.
	DeleteEntity(ctx context.Context, uid string) error

	// CreateLocation stores a new location and returns it with ID and CreatedAt set. It
	// returns ErrConflict when a location with the same type and target exists.
	CreateLocation(ctx context.Context, typ, target string) (Location, error)
	// Locations lists every location, oldest first.
	Locations(ctx context.Context) ([]Location, error)
	// Location returns one location by id, or ErrNotFound.
	Location(ctx context.Context, id string) (Location, error)
	// LocationOfEntity returns the location that manages the entity with that canonical ref.
	LocationOfEntity(ctx context.Context, ref string) (Location, error)
	// DeleteLocation deletes a location and every entity it emitted. It returns ErrNotFound
	// when there is none.
	DeleteLocation(ctx context.Context, id string) error
}
