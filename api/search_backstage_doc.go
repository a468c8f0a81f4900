package api

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
)

// backstageKinds spells the indexer's lowercased entity kinds the way entities do.
var backstageKinds = map[string]string{
	"component": "Component", "api": "API", "system": "System", "domain": "Domain",
	"resource": "Resource", "group": "Group", "user": "User", "location": "Location",
	"template": "Template",
}

// backstageEntityDoc is a software-catalog document, as Backstage's catalog collator
// writes it.
type backstageEntityDoc struct {
	Title         string `json:"title"`
	Text          string `json:"text"`
	Location      string `json:"location"`
	Kind          string `json:"kind"`
	Type          string `json:"type"`
	Owner         string `json:"owner"`
	Lifecycle     string `json:"lifecycle"`
	Namespace     string `json:"namespace"`
	ComponentType string `json:"componentType"`
}

// backstageDocsDoc is a techdocs document (or another markdown source's), as Backstage's
// techdocs collator writes it: the page and the entity it documents.
type backstageDocsDoc struct {
	Title       string `json:"title"`
	Text        string `json:"text"`
	Location    string `json:"location"`
	Path        string `json:"path"`
	EntityTitle string `json:"entityTitle"`
	Kind        string `json:"kind"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Lifecycle   string `json:"lifecycle"`
	Owner       string `json:"owner"`
}

// backstageDocument is the document of one result. Its text is the result's snippet.
func backstageDocument(r indexer.Result, entityTitles map[string]string) any {
	ref, _ := catalog.ParseRef(r.EntityRef, "", "")
	kind := first(r.Fields[indexer.FieldKind])
	if k, ok := backstageKinds[kind]; ok {
		kind = k
	}
	if r.Kind == indexer.KindEntity {
		typ := first(r.Fields[indexer.FieldType])
		return backstageEntityDoc{
			Title: r.Title, Text: r.Snippet, Location: r.URL, Kind: kind, Type: typ,
			Owner: first(r.Fields[indexer.FieldOwner]), Lifecycle: first(r.Fields[indexer.FieldLifecycle]),
			Namespace: ref.Namespace, ComponentType: typ,
		}
	}
	return backstageDocsDoc{
		Title: r.Title, Text: r.Snippet, Location: r.URL, Path: docPath(r),
		EntityTitle: entityTitles[r.EntityRef], Kind: kind, Namespace: ref.Namespace, Name: ref.Name,
		Lifecycle: first(r.Fields[indexer.FieldLifecycle]), Owner: first(r.Fields[indexer.FieldOwner]),
	}
}

// docPath is a doc's path inside its docs folder (docs/runbook.md), or "" for entities and
// documents without one.
func docPath(r indexer.Result) string {
	if r.Kind != indexer.KindDoc {
		return ""
	}
	if r.EntityRef != "" {
		p, _ := strings.CutPrefix(r.DocID, "doc:"+r.EntityRef+":")
		return p
	}
	if rest, ok := strings.CutPrefix(r.DocID, "doc:dir:"); ok {
		_, p, _ := strings.Cut(rest, ":")
		return p
	}
	return ""
}

// entityTitles looks up the titles of the entities that own the docs among results, as
// the caller sees them (an entity they may not see has no title here).
func (s *Server) entityTitles(c *gin.Context, results []indexer.Result) (map[string]string, error) {
	var refs []string
	for _, r := range results {
		if r.Kind == indexer.KindDoc && r.EntityRef != "" {
			refs = append(refs, r.EntityRef)
		}
	}
	titles := map[string]string{}
	if len(refs) == 0 || s.catalog == nil {
		return titles, nil
	}
	ents, err := s.catalog.EntitiesByRefs(c.Request.Context(), refs, catalog.Filter{})
	if err != nil {
		return nil, fmt.Errorf("titles of documented entities: %w", err)
	}
	for i, e := range ents {
		if e == nil {
			continue
		}
		titles[refs[i]] = e.Metadata.Name
		if e.Metadata.Title != "" {
			titles[refs[i]] = e.Metadata.Title
		}
	}
	return titles, nil
}

// first is the first of vals, or "".
func first(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}
