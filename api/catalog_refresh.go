package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/nextportal/portal/catalog"
)

// refreshBody is POST /refresh's body.
type refreshBody struct {
	EntityRef          *string `json:"entityRef"`
	AuthorizationToken string  `json:"authorizationToken,omitempty"` // accepted like Backstage, not used
}

// postRefresh serves POST /refresh: the location that manages the entity is re-read now.
func (s *Server) postRefresh(c *gin.Context) error {
	var b refreshBody
	if err := readJSON(c, &b, true); err != nil {
		return err
	}
	if b.EntityRef == nil {
		return inputErrorf("request/body must have required property 'entityRef'")
	}
	ref, err := catalog.ParseRef(*b.EntityRef, "", catalog.DefaultNamespace)
	if err != nil {
		return inputErrorf("invalid entityRef: %v", err)
	}
	c.Set(ctxAuditTarget, ref.String())
	err = s.catalog.Refresh(c.Request.Context(), ref)
	if errors.Is(err, catalog.ErrNotFound) {
		return entityNotFound(ref)
	}
	if err != nil {
		return locationInputError{err}
	}
	c.Status(http.StatusOK)
	return nil
}

// validateBody is POST /validate-entity's body.
type validateBody struct {
	Entity   json.RawMessage `json:"entity"`
	Location *string         `json:"location"`
}

// validationErrorJSON is one entry of validate-entity's {"errors": [...]} answer:
// Backstage's serialized error plus where the problem is.
type validationErrorJSON struct {
	Name    string `json:"name"`
	Message string `json:"message"`
	catalog.Problem
}

// validateEntity serves POST /validate-entity: 200 with no body when the entity is valid,
// else 400 with {"errors": [{name, message, …}]}, one per problem, as Backstage answers.
func (s *Server) validateEntity(c *gin.Context) {
	var b validateBody
	err := readJSON(c, &b, false)
	if err == nil {
		err = b.check()
	}
	var raw map[string]any
	if err == nil {
		if uerr := json.Unmarshal(b.Entity, &raw); uerr != nil || raw == nil {
			err = inputErrorf("Malformed request: entity must be a JSON object")
		}
	}
	if err == nil {
		err = s.catalog.ValidateEntity(c.Request.Context(), raw, strings.TrimSpace(*b.Location))
		if err == nil {
			c.Status(http.StatusOK)
			return
		}
	}
	status, name, msg := errorResponse(err)
	if status != http.StatusBadRequest {
		s.writeError(c, err)
		return
	}
	var verr *catalog.ValidationError
	var list []validationErrorJSON
	if errors.As(err, &verr) && len(verr.Problems) > 0 {
		for _, p := range verr.Problems {
			list = append(list, validationErrorJSON{Name: name, Message: problemText(p), Problem: p})
		}
	} else {
		list = []validationErrorJSON{{Name: name, Message: msg}}
	}
	c.Error(err) //nolint:errcheck // recorded for the access log
	writeJSON(c, http.StatusBadRequest, gin.H{"errors": list})
}

func (b validateBody) check() error {
	var missing []string
	if len(b.Entity) == 0 || string(b.Entity) == "null" {
		missing = append(missing, "'entity'")
	}
	if b.Location == nil {
		missing = append(missing, "'location'")
	}
	if len(missing) > 0 {
		return inputErrorf("request/body must have required property %s", strings.Join(missing, " and "))
	}
	return nil
}
