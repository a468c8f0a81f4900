package indexer

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// Record is one thing tied to catalog entities that is indexed as a document of its own
// kind: an incident, later a cost note.
type Record struct {
	ID       string // the document ID, e.g. "incident:inc-42"
	Kind     string // e.g. KindIncident
	Title    string
	Text     string // plain text or markdown
	URL      string
	Entities []string // canonical refs of the entities it concerns
	Updated  time.Time
}

// recordSource yields the records of one origin as documents.
type recordSource struct {
	name string
	cat  *catalog.Service
	list func(ctx context.Context, yield func(Record) error) error
}

// NewRecordSource returns a source named name whose documents are the records list yields.
// A record's document may be seen by those who may see every one of its entities (one that
// is not in the catalog leaves it to admins); a record with no entity is internal. It
// carries the filter fields of its entities and names the first as its owning entity.
func NewRecordSource(name string, cat *catalog.Service, list func(ctx context.Context, yield func(Record) error) error) Source {
	return &recordSource{name: name, cat: cat, list: list}
}

// Name returns the source's name.
func (s *recordSource) Name() string { return s.name }

// Documents yields one document per record.
func (s *recordSource) Documents(ctx context.Context, yield func(Document) error) error {
	ctx = auth.NewContext(ctx, auth.System())
	view, err := loadCatalogView(ctx, s.cat)
	if err != nil {
		return err
	}
	entities := map[string]*catalog.Entity{}
	entity := func(ref string) *catalog.Entity {
		if e, ok := entities[ref]; ok {
			return e
		}
		var found *catalog.Entity
		if r, err := catalog.ParseRef(ref, "component", "default"); err == nil {
			if e, err := s.cat.EntityByRef(ctx, r); err == nil {
				found = &e
			}
		}
		entities[ref] = found
		return found
	}
	y := &yieldOnce{yield: yield}
	err = s.list(ctx, func(r Record) error {
		d := Document{ID: r.ID, Kind: r.Kind, Source: s.name, Title: r.Title, Text: cleanText(r.Text), URL: r.URL,
			Fields: map[string][]string{}, Visibility: auth.VisibilityInternal, UpdatedAt: r.Updated}
		var es []*catalog.Entity
		missing := false
		for _, ref := range r.Entities {
			if e := entity(ref); e != nil {
				es = append(es, e)
			} else {
				missing = true
			}
		}
		if len(es) > 0 {
			d.EntityRef = es[0].Ref().String()
		}
		d.Visibility, d.Allowed = combinedAccess(es, missing)
		for _, e := range es {
			for k, vs := range view.fields(e) {
				for _, v := range vs {
					if !slices.Contains(d.Fields[k], v) {
						d.Fields[k] = append(d.Fields[k], v)
					}
				}
			}
		}
		return y.call(d)
	})
	return y.result(err)
}

// combinedAccess is who may see a record of these entities: public when all are public,
// restricted to the refs every restricted one allows when any is restricted (or missing,
// which allows none), else internal.
func combinedAccess(es []*catalog.Entity, missing bool) (auth.Visibility, []string) {
	if missing {
		return auth.VisibilityRestricted, nil
	}
	if len(es) == 0 {
		return auth.VisibilityInternal, nil
	}
	vis := auth.VisibilityPublic
	var allowed []string
	restricted := false
	for _, e := range es {
		v, a := entityAccess(e)
		switch v {
		case auth.VisibilityRestricted:
			if !restricted {
				allowed, restricted = a, true
			} else {
				allowed = slices.DeleteFunc(allowed, func(x string) bool { return !slices.Contains(a, x) })
			}
			vis = auth.VisibilityRestricted
		case auth.VisibilityInternal:
			if vis == auth.VisibilityPublic {
				vis = auth.VisibilityInternal
			}
		}
	}
	if !restricted {
		return vis, nil
	}
	slices.Sort(allowed)
	return auth.VisibilityRestricted, slices.Compact(allowed)
}

// RecordDocID is the document ID of a record of kind with id: "<kind>:<id>".
func RecordDocID(kind, id string) string { return strings.ToLower(kind) + ":" + id }
