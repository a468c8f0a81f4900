package api

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/nextportal/portal/catalog"
)

// locationJSON is a location as Backstage returns it, with the ref of the Location entity
// generated for it.
type locationJSON struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Target    string `json:"target"`
	EntityRef string `json:"entityRef"`
}

func outLocation(l catalog.Location) locationJSON {
	return locationJSON{ID: l.ID, Type: l.Type, Target: l.Target, EntityRef: locationEntityRef(l.Type, l.Target)}
}

// locationEntityRef is the ref of the Location entity Backstage generates for a registered
// location: "generated-" and the hex SHA-1 of "type:target" (locationSpecToMetadataName).
func locationEntityRef(typ, target string) string {
	sum := sha1.Sum([]byte(typ + ":" + target))
	return "location:default/generated-" + hex.EncodeToString(sum[:])
}

// locationBody is POST /locations' body.
type locationBody struct {
	Type     *string `json:"type"`
	Target   *string `json:"target"`
	Presence string  `json:"presence,omitempty"` // accepted like Backstage, not used
}

func (b locationBody) check() error {
	var missing []string
	if b.Type == nil || strings.TrimSpace(*b.Type) == "" {
		missing = append(missing, "type")
	}
	if b.Target == nil || strings.TrimSpace(*b.Target) == "" {
		missing = append(missing, "target")
	}
	if len(missing) > 0 {
		return inputErrorf("Malformed request: location %s must be a non-empty string", strings.Join(missing, " and "))
	}
	return nil
}

// addLocationJSON is POST /locations' answer.
type addLocationJSON struct {
	Location locationJSON `json:"location"`
	Entities []any        `json:"entities"`
	Exists   *bool        `json:"exists,omitempty"`
}

// postLocation serves POST /locations[?dryRun=true]: it registers a location and ingests
// it, or with dryRun only reads and validates it. Nothing is stored when any entity of the
// location is invalid; a path outside the allowed roots is a 400. Like Backstage's
// DefaultLocationService.createLocation, a registration answers with the location and no
// entities; a dry run lists the entities the location would emit.
func (s *Server) postLocation(c *gin.Context) error {
	var b locationBody
	if err := readJSON(c, &b, true); err != nil {
		return err
	}
	if err := b.check(); err != nil {
		return err
	}
	typ, target := strings.TrimSpace(*b.Type), strings.TrimSpace(*b.Target)
	c.Set(ctxAuditTarget, typ+":"+target)
	if !isTruthy(c.Query("dryRun")) {
		loc, err := s.catalog.RegisterLocation(c.Request.Context(), typ, target)
		if err != nil {
			return locationInputError{err}
		}
		writeJSON(c, http.StatusCreated, addLocationJSON{Location: outLocation(loc), Entities: []any{}})
		return nil
	}
	res, err := s.catalog.AddLocation(c.Request.Context(), typ, target, true)
	if err != nil {
		return locationInputError{err}
	}
	exists := res.ExistingLocation != nil
	out := addLocationJSON{Location: outLocation(res.Location), Entities: outEntities(res.Entities, nil), Exists: &exists}
	if exists {
		out.Location = outLocation(*res.ExistingLocation)
	}
	writeJSON(c, http.StatusCreated, out)
	return nil
}

// getLocations serves GET /locations: [{"data": location}] as Backstage answers.
func (s *Server) getLocations(c *gin.Context) error {
	locs, err := s.catalog.Locations(c.Request.Context())
	if err != nil {
		return err
	}
	out := make([]gin.H, 0, len(locs))
	for _, l := range locs {
		out = append(out, gin.H{"data": outLocation(l)})
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

// getLocation serves GET /locations/{id}.
func (s *Server) getLocation(c *gin.Context) error {
	id := c.Param("id")
	l, err := s.catalog.Location(c.Request.Context(), id)
	if errors.Is(err, catalog.ErrNotFound) {
		return notFoundf("Found no location with ID %s", id)
	}
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, outLocation(l))
	return nil
}

// deleteLocation serves DELETE /locations/{id}; the location's entities go with it.
func (s *Server) deleteLocation(c *gin.Context) error {
	id := c.Param("id")
	c.Set(ctxAuditTarget, id)
	err := s.catalog.DeleteLocation(c.Request.Context(), id)
	if errors.Is(err, catalog.ErrNotFound) {
		return notFoundf("Found no location with ID %s", id)
	}
	if err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// getLocationByEntity serves GET /locations/by-entity/{kind}/{namespace}/{name}.
func (s *Server) getLocationByEntity(c *gin.Context) error {
	ref := pathRef(c)
	l, err := s.catalog.LocationOfEntity(c.Request.Context(), ref)
	if errors.Is(err, catalog.ErrNotFound) {
		return notFoundf("Found no location for entity %s", ref)
	}
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, outLocation(l))
	return nil
}

// analyzeBody is POST /analyze-location's body.
type analyzeBody struct {
	Location *locationBody `json:"location"`
}

// postAnalyzeLocation serves POST /analyze-location: the entities a location holds and
// whether each is registered, without registering anything.
func (s *Server) postAnalyzeLocation(c *gin.Context) error {
	var b analyzeBody
	if err := readJSON(c, &b, false); err != nil {
		return err
	}
	if b.Location == nil {
		return inputErrorf("request/body must have required property 'location'")
	}
	if err := b.Location.check(); err != nil {
		return err
	}
	a, err := s.catalog.AnalyzeLocation(c.Request.Context(), strings.TrimSpace(*b.Location.Type), strings.TrimSpace(*b.Location.Target))
	if err != nil {
		return locationInputError{err}
	}
	files := make([]gin.H, 0, len(a.ExistingEntityFiles))
	for _, f := range a.ExistingEntityFiles {
		files = append(files, gin.H{
			"location":     gin.H{"type": f.Location.Type, "target": f.Location.Target},
			"isRegistered": f.IsRegistered,
			"entity":       outEntity(f.Entity, nil),
		})
	}
	gen := a.GenerateEntities
	if gen == nil {
		gen = []any{}
	}
	writeJSON(c, http.StatusOK, gin.H{"existingEntityFiles": files, "generateEntities": gen})
	return nil
}
