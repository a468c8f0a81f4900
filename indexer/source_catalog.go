package indexer

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// Source names of the sources in this package.
const (
	SourceCatalog  = "catalog"
	SourceTechDocs = "techdocs"
	SourceDir      = "docs"
	SourceBEIR     = "beir"
)

// catalogPageSize is how many entities a source reads from the catalog per query.
const catalogPageSize = 200

// catalogSource yields one document per catalog entity.
type catalogSource struct {
	cat *catalog.Service
}

// NewCatalogSource returns the source of catalog entities, named "catalog": one KindEntity
// document per entity (Location entities, which only say where the others were read from,
// are left out), rendered as text a person or an assistant can quote. It reads the catalog
// as the system principal, so it sees every entity; each document carries its entity's
// visibility for search to enforce.
func NewCatalogSource(cat *catalog.Service) Source {
	return &catalogSource{cat: cat}
}

// Name returns "catalog".
func (s *catalogSource) Name() string { return SourceCatalog }

// Documents yields the document of every entity.
func (s *catalogSource) Documents(ctx context.Context, yield func(Document) error) error {
	ctx = auth.NewContext(ctx, auth.System())
	view, err := loadCatalogView(ctx, s.cat)
	if err != nil {
		return err
	}
	y := &yieldOnce{yield: yield}
	err = eachEntity(ctx, s.cat, catalog.Filter{}, func(e *catalog.Entity) error {
		if strings.EqualFold(e.Kind, "Location") {
			return nil
		}
		return y.call(entityDocument(e, view))
	})
	return y.result(err)
}

// eachEntity calls fn with every entity matching filter, a page at a time, stopping at the
// first error and when ctx ends.
func eachEntity(ctx context.Context, cat *catalog.Service, filter catalog.Filter, fn func(*catalog.Entity) error) error {
	q := catalog.Query{Filter: filter, Limit: catalogPageSize}
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("list catalog entities: %w", err)
		}
		page, err := cat.Query(ctx, q)
		if err != nil {
			return fmt.Errorf("list catalog entities: %w", err)
		}
		for i := range page.Entities {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("list catalog entities: %w", err)
			}
			if err := fn(&page.Entities[i]); err != nil {
				return err
			}
		}
		if !page.HasMore || len(page.Positions) == 0 {
			return nil
		}
		last := page.Positions[len(page.Positions)-1]
		q.After = &last
	}
}

// entityURL is the portal page of an entity, as the web UI routes it:
// /catalog/<namespace>/<kind>/<name>.
func entityURL(r catalog.Ref) string {
	return "/catalog/" + entityPath(r)
}

// entityPath is "<namespace>/<kind>/<name>" with the namespace and kind lowercased and each
// part escaped for a URL path.
func entityPath(r catalog.Ref) string {
	ns := r.Namespace
	if ns == "" {
		ns = catalog.DefaultNamespace
	}
	return url.PathEscape(strings.ToLower(ns)) + "/" + url.PathEscape(strings.ToLower(r.Kind)) + "/" + url.PathEscape(r.Name)
}

// escapePath escapes each segment of a slash-separated path for a URL.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// yieldOnce wraps a Documents callback and remembers its error, so a source returns
// yield's error itself, as Source promises, rather than wrapped in the source's context.
type yieldOnce struct {
	yield func(Document) error
	err   error
}

// call passes d to yield.
func (y *yieldOnce) call(d Document) error {
	y.err = y.yield(d)
	return y.err
}

// result returns yield's error when it returned one, else err.
func (y *yieldOnce) result(err error) error {
	if y.err != nil {
		return y.err
	}
	return err
}
