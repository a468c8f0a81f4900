package catalog

import (
	"context"
	"errors"
)

// NOTE: this file fixes the Service API other packages code against. Bodies are being written
// (see the catalog helper's brief); signatures change only by agreement.

var errUnwritten = errors.New("catalog: service method not yet written")

// Service is the catalog's entry point for the HTTP layer and the CLI.
type Service struct {
	store Store
	roots []string
}

// NewService returns a Service over store. roots are the absolute directories file locations
// may name (PORTAL_FILE_LOCATION_ROOTS); a file location outside them is refused with
// ErrForbidden, and $text/$json/$yaml substitutions can never reach outside them either.
func NewService(store Store, roots []string) *Service {
	return &Service{store: store, roots: roots}
}

// AddLocationResult is what registering (or dry-running) a location produced.
type AddLocationResult struct {
	Location         Location
	Entities         []Entity
	ExistingLocation *Location // set on dry run when the location is registered already
}

// AncestryItem is one entity of an ancestry chain and the refs of the entities that emitted it.
type AncestryItem struct {
	Entity           Entity   `json:"entity"`
	ParentEntityRefs []string `json:"parentEntityRefs"`
}

// Ancestry is the chain of entities (locations) that led to an entity, root entity first.
type Ancestry struct {
	RootEntityRef string         `json:"rootEntityRef"`
	Items         []AncestryItem `json:"items"`
}

// ValidationError lists every problem found in an entity or a file of entities. Its Error
// names the first; the HTTP layer returns all of them.
type ValidationError struct {
	Problems []Problem
}

// Problem is one validation problem: where (file and line when known, and the field) and what.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Entity  string `json:"entity,omitempty"` // the entity ref, when known
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *ValidationError) Error() string { return "validation: " + errUnwritten.Error() }

// Unwrap makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// EntityByRef returns one entity with its relations and status.
func (s *Service) EntityByRef(ctx context.Context, ref Ref) (Entity, error) {
	return Entity{}, errUnwritten
}

// EntityByUID returns one entity by uid with its relations and status.
func (s *Service) EntityByUID(ctx context.Context, uid string) (Entity, error) {
	return Entity{}, errUnwritten
}

// EntitiesByRefs returns, in order, the entity for each ref (nil where none matches filter).
// Unparseable refs yield nil, like Backstage.
func (s *Service) EntitiesByRefs(ctx context.Context, refs []string, filter Filter) ([]*Entity, error) {
	return nil, errUnwritten
}

// Query returns one page of entities.
func (s *Service) Query(ctx context.Context, q Query) (Page, error) { return Page{}, errUnwritten }

// Facets counts facet values among entities matching filter.
func (s *Service) Facets(ctx context.Context, filter Filter, facets []string) (map[string][]FacetCount, error) {
	return nil, errUnwritten
}

// Ancestry returns the chain of locations that emitted the entity.
func (s *Service) Ancestry(ctx context.Context, ref Ref) (Ancestry, error) {
	return Ancestry{}, errUnwritten
}

// DeleteEntity deletes one entity by uid; it comes back when its location is refreshed.
func (s *Service) DeleteEntity(ctx context.Context, uid string) error { return errUnwritten }

// AddLocation registers a location and ingests it; with dryRun it only reads and validates.
func (s *Service) AddLocation(ctx context.Context, typ, target string, dryRun bool) (AddLocationResult, error) {
	return AddLocationResult{}, errUnwritten
}

// Locations lists registered locations.
func (s *Service) Locations(ctx context.Context) ([]Location, error) { return nil, errUnwritten }

// Location returns one registered location.
func (s *Service) Location(ctx context.Context, id string) (Location, error) {
	return Location{}, errUnwritten
}

// LocationOfEntity returns the location that manages an entity.
func (s *Service) LocationOfEntity(ctx context.Context, ref Ref) (Location, error) {
	return Location{}, errUnwritten
}

// DeleteLocation removes a location and the entities it emitted.
func (s *Service) DeleteLocation(ctx context.Context, id string) error { return errUnwritten }

// Refresh re-reads the location that manages the entity.
func (s *Service) Refresh(ctx context.Context, ref Ref) error { return errUnwritten }

// RefreshLocation re-reads one location and applies what changed.
func (s *Service) RefreshLocation(ctx context.Context, id string) (ApplyResult, error) {
	return ApplyResult{}, errUnwritten
}

// RefreshAll re-reads every registered location.
func (s *Service) RefreshAll(ctx context.Context) error { return errUnwritten }

// ValidateEntity validates one entity as Backstage's /validate-entity does; location is the
// "type:target" it claims to come from. It returns a *ValidationError listing the problems.
func (s *Service) ValidateEntity(ctx context.Context, raw map[string]any, location string) error {
	return errUnwritten
}

// Import registers PATH (a file or directory) as a file location, or refreshes it when it is
// registered already. The CLI's `catalog import` and the demo loader use it.
func (s *Service) Import(ctx context.Context, path string) (AddLocationResult, ApplyResult, error) {
	return AddLocationResult{}, ApplyResult{}, errUnwritten
}

// Analysis is Backstage's analyze-location answer: the entity files found at a location and
// whether each is registered already.
type Analysis struct {
	ExistingEntityFiles []AnalyzedFile `json:"existingEntityFiles"`
	GenerateEntities    []any          `json:"generateEntities"`
}

// AnalyzedFile is one entity found by AnalyzeLocation.
type AnalyzedFile struct {
	Location     Location `json:"location"`
	IsRegistered bool     `json:"isRegistered"`
	Entity       Entity   `json:"entity"`
}

// AnalyzeLocation reads a location without registering it and reports what it holds.
func (s *Service) AnalyzeLocation(ctx context.Context, typ, target string) (Analysis, error) {
	return Analysis{}, errUnwritten
}
