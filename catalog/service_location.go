package catalog

import (
	"context"
	"errors"
	"fmt"
	"github.com/nextportal/portal/auth"
	"path/filepath"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// read validates a location's type and target and reads it, turning file problems into a
// *ValidationError. Nothing is written.
func (s *Service) read(ctx context.Context, typ, target string) (readResult, error) {
	if typ != "file" {
		return readResult{}, errkind.Errorf(ErrInvalid, "unsupported location type %q (only \"file\" is supported)", typ)
	}
	if target == "" {
		return readResult{}, errkind.Errorf(ErrInvalid, "file location target is empty")
	}
	if !filepath.IsAbs(target) {
		return readResult{}, errkind.Errorf(ErrInvalid, "file location target %q must be an absolute path", target)
	}
	res, err := readFileLocation(ctx, newRoots(s.roots), filepath.Clean(target))
	if err != nil {
		return readResult{}, err
	}
	if len(res.problems) > 0 {
		return readResult{}, &ValidationError{Problems: res.problems}
	}
	return res, nil
}

// AddLocation registers a location and ingests it; with dryRun it only reads and validates.
// Everything is read and validated before anything is written: if any entity is invalid,
// nothing is stored and the *ValidationError lists every problem.
func (s *Service) AddLocation(ctx context.Context, typ, target string, dryRun bool) (AddLocationResult, error) {
	res, _, err := s.addLocation(ctx, typ, target, dryRun, true)
	return res, err
}

// RegisterLocation registers a location and ingests it like AddLocation without dryRun,
// but returns only the location: the stored entities are not read back. POST
// /api/catalog/locations uses it, since Backstage answers that request with no entities.
func (s *Service) RegisterLocation(ctx context.Context, typ, target string) (Location, error) {
	res, _, err := s.addLocation(ctx, typ, target, false, false)
	return res.Location, err
}

// addLocation is AddLocation; with readBack, the result lists the entities as stored.
func (s *Service) addLocation(ctx context.Context, typ, target string, dryRun, readBack bool) (AddLocationResult, ApplyResult, error) {
	target = cleanTarget(target)
	read, err := s.read(ctx, typ, target)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("add location %s:%s: %w", typ, target, err)
	}
	if dryRun {
		out := AddLocationResult{Location: Location{Type: typ, Target: target}, Entities: entitiesOf(visibleRead(ctx, read.entities))}
		existing, err := s.findLocation(ctx, typ, target)
		if err != nil {
			return AddLocationResult{}, ApplyResult{}, fmt.Errorf("add location %s:%s: %w", typ, target, err)
		}
		if existing != nil {
			out.ExistingLocation = existing
			out.Location.ID = existing.ID
		}
		return out, ApplyResult{}, nil
	}
	loc, err := s.store.CreateLocation(ctx, typ, target)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("add location %s:%s: %w", typ, target, err)
	}
	applied, err := s.store.ReplaceLocationEntities(ctx, loc.ID, read.entities)
	if err != nil {
		// Leave nothing half-registered, even when ctx was what failed.
		if derr := s.store.DeleteLocation(context.WithoutCancel(ctx), loc.ID); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove half-registered location %s: %w", loc.ID, derr))
		}
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("add location %s:%s: store entities: %w", typ, target, err)
	}
	if !readBack {
		return AddLocationResult{Location: loc}, applied, nil
	}
	stored, err := s.storedEntities(ctx, read.entities, applied.Conflicts)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("add location %s:%s: %w", typ, target, err)
	}
	return AddLocationResult{Location: loc, Entities: stored}, applied, nil
}

// cleanTarget trims a target and cleans it when it is an absolute path.
func cleanTarget(target string) string {
	target = strings.TrimSpace(target)
	if filepath.IsAbs(target) {
		target = filepath.Clean(target)
	}
	return target
}

// storedEntities returns the entities as stored (with uid and etag), leaving out refs that
// another location manages.
func (s *Service) storedEntities(ctx context.Context, ps []Processed, conflicts []string) ([]Entity, error) {
	skip := map[string]bool{}
	for _, c := range conflicts {
		skip[c] = true
	}
	refs := make([]string, 0, len(ps))
	for _, p := range ps {
		if ref := p.Entity.Ref().String(); !skip[ref] {
			refs = append(refs, ref)
		}
	}
	vis, _ := visibleFilter(auth.FromContext(ctx))
	found, err := s.store.EntitiesByRefs(ctx, refs, vis)
	if err != nil {
		return nil, fmt.Errorf("read back stored entities: %w", err)
	}
	out := make([]Entity, 0, len(found))
	for _, e := range found {
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, nil
}

// visibleRead returns the entities read from files that the principal in ctx may see,
// judged by what the files say (relations inferred as the store would).
func visibleRead(ctx context.Context, ps []Processed) []Processed {
	out := make([]Processed, 0, len(ps))
	for _, p := range ps {
		if canSee(ctx, p.Entity) {
			out = append(out, p)
		}
	}
	return out
}

func entitiesOf(ps []Processed) []Entity {
	out := make([]Entity, len(ps))
	for i, p := range ps {
		out[i] = p.Entity
	}
	return out
}

// findLocation returns the registered location with that type and target, or nil.
func (s *Service) findLocation(ctx context.Context, typ, target string) (*Location, error) {
	locs, err := s.store.Locations(ctx)
	if err != nil {
		return nil, fmt.Errorf("list locations: %w", err)
	}
	for _, l := range locs {
		if l.Type == typ && l.Target == target {
			return &l, nil
		}
	}
	return nil, nil
}

// Locations lists registered locations.
func (s *Service) Locations(ctx context.Context) ([]Location, error) {
	locs, err := s.store.Locations(ctx)
	if err != nil {
		return nil, fmt.Errorf("list locations: %w", err)
	}
	return locs, nil
}

// Location returns one registered location.
func (s *Service) Location(ctx context.Context, id string) (Location, error) {
	loc, err := s.store.Location(ctx, id)
	if err != nil {
		return Location{}, fmt.Errorf("get location %s: %w", id, err)
	}
	return loc, nil
}

// LocationOfEntity returns the location that manages an entity, or ErrNotFound when the
// caller may not see the entity.
func (s *Service) LocationOfEntity(ctx context.Context, ref Ref) (Location, error) {
	_, err := s.visibleByRef(ctx, ref.String())
	var loc Location
	if err == nil {
		loc, err = s.store.LocationOfEntity(ctx, ref.String())
	}
	if err != nil {
		return Location{}, fmt.Errorf("get location of %s: %w", ref, err)
	}
	return loc, nil
}

// DeleteLocation removes a location and the entities it emitted.
func (s *Service) DeleteLocation(ctx context.Context, id string) error {
	if err := s.store.DeleteLocation(ctx, id); err != nil {
		return fmt.Errorf("delete location %s: %w", id, err)
	}
	return nil
}

// Refresh re-reads the location that manages the entity, or returns ErrNotFound when the
// caller may not see the entity.
func (s *Service) Refresh(ctx context.Context, ref Ref) error {
	_, err := s.visibleByRef(ctx, ref.String())
	var loc Location
	if err == nil {
		loc, err = s.store.LocationOfEntity(ctx, ref.String())
	}
	if err != nil {
		return fmt.Errorf("refresh %s: %w", ref, err)
	}
	if _, err := s.RefreshLocation(ctx, loc.ID); err != nil {
		return fmt.Errorf("refresh %s: %w", ref, err)
	}
	return nil
}

// RefreshLocation re-reads one location and applies what changed. When the files have
// become invalid it returns the *ValidationError and keeps what was stored.
func (s *Service) RefreshLocation(ctx context.Context, id string) (ApplyResult, error) {
	loc, err := s.store.Location(ctx, id)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("refresh location %s: %w", id, err)
	}
	read, err := s.read(ctx, loc.Type, loc.Target)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("refresh location %s: %w", loc.Key(), err)
	}
	applied, err := s.store.ReplaceLocationEntities(ctx, loc.ID, read.entities)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("refresh location %s: %w", loc.Key(), err)
	}
	return applied, nil
}

// RefreshAll re-reads every registered location. A location that fails does not stop the
// others; the errors of all failing locations are joined.
func (s *Service) RefreshAll(ctx context.Context) error {
	locs, err := s.store.Locations(ctx)
	if err != nil {
		return fmt.Errorf("refresh all: %w", err)
	}
	var errs []error
	for _, l := range locs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("refresh all: %w", err)
		}
		if _, err := s.RefreshLocation(ctx, l.ID); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Import registers PATH (a file or directory) as a file location, or refreshes it when it is
// registered already. The CLI's `catalog import` and the demo loader use it.
func (s *Service) Import(ctx context.Context, path string) (AddLocationResult, ApplyResult, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("import %s: %w", path, err)
	}
	existing, err := s.findLocation(ctx, "file", abs)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("import %s: %w", abs, err)
	}
	if existing == nil {
		res, applied, err := s.addLocation(ctx, "file", abs, false, true)
		if err != nil {
			return AddLocationResult{}, ApplyResult{}, fmt.Errorf("import %s: %w", abs, err)
		}
		return res, applied, nil
	}
	read, err := s.read(ctx, existing.Type, existing.Target)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("import %s: %w", abs, err)
	}
	applied, err := s.store.ReplaceLocationEntities(ctx, existing.ID, read.entities)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("import %s: %w", abs, err)
	}
	stored, err := s.storedEntities(ctx, read.entities, applied.Conflicts)
	if err != nil {
		return AddLocationResult{}, ApplyResult{}, fmt.Errorf("import %s: %w", abs, err)
	}
	return AddLocationResult{Location: *existing, Entities: stored}, applied, nil
}
