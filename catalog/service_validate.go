package catalog

import (
	"context"
	"fmt"
	"github.com/nextportal/portal/auth"
	"strings"
)

// ValidateEntity validates one entity as Backstage's /validate-entity does; location is the
// "type:target" it claims to come from. It returns a *ValidationError listing the problems.
func (s *Service) ValidateEntity(ctx context.Context, raw map[string]any, location string) error {
	c := &checker{}
	if typ, target, ok := strings.Cut(location, ":"); !ok || typ == "" || target == "" {
		c.list = append(c.list, Problem{Field: "location", Message: fmt.Sprintf("location %q is not a valid location ref (expected type:target, e.g. file:/path/catalog-info.yaml)", location)})
	}
	if raw == nil {
		c.add(nil, "entity is required")
		return &ValidationError{Problems: c.list}
	}
	validateRaw(c, raw)
	if len(c.list) > 0 {
		return &ValidationError{Problems: c.list}
	}
	e, err := entityFromRaw(raw)
	if err == nil {
		_, err = Process(e, "")
	}
	if err != nil {
		c.add(nil, err.Error())
		return &ValidationError{Problems: c.list}
	}
	return nil
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

// AnalyzeLocation reads a location without registering it and reports what it holds: each
// entity found (the generated root Location left out), the file it is in, and whether an
// entity with its ref is in the catalog already.
func (s *Service) AnalyzeLocation(ctx context.Context, typ, target string) (Analysis, error) {
	target = cleanTarget(target)
	read, err := s.read(ctx, typ, target)
	if err != nil {
		return Analysis{}, fmt.Errorf("analyze location %s:%s: %w", typ, target, err)
	}
	// [0] is the generated root Location. An entity the caller may not see is left out, as
	// if the file did not hold it.
	entities := visibleRead(ctx, read.entities[1:])
	refs := make([]string, len(entities))
	for i, p := range entities {
		refs[i] = p.Entity.Ref().String()
	}
	exists := map[string]bool{}
	if len(refs) > 0 {
		// Registered means registered and visible: a stored entity the caller may not see
		// is absent to them, so isRegistered cannot confirm it.
		vis, _ := visibleFilter(auth.FromContext(ctx))
		if exists, err = s.store.ExistingRefs(ctx, refs, vis); err != nil {
			return Analysis{}, fmt.Errorf("analyze location %s:%s: %w", typ, target, err)
		}
	}
	out := Analysis{ExistingEntityFiles: []AnalyzedFile{}, GenerateEntities: []any{}}
	for i, p := range entities {
		out.ExistingEntityFiles = append(out.ExistingEntityFiles, AnalyzedFile{
			Location:     Location{Type: typ, Target: read.files[refs[i]]},
			IsRegistered: exists[refs[i]],
			Entity:       p.Entity,
		})
	}
	return out, nil
}
