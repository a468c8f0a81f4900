package api

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
)

// docPage is the data of doc.html: one indexed markdown document.
type docPage struct {
	layoutData
	Heading   string
	EntityRef string
	EntityURL string
	Path      string
	Body      template.HTML
}

// uiDoc serves an indexed markdown document: /docs/<namespace>/<kind>/<name>/<path> for an
// entity's TechDocs, /docs/dir/<folder>/<path> for a configured docs folder. These are the
// URLs search results and citations link to; heading ids match their #anchors.
func (s *Server) uiDoc(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		path := strings.TrimPrefix(c.Param("path"), "/")
		id, ok := docIDOf(path)
		if !ok || s.search == nil {
			s.renderNotFound(c, u, "There is no document at /docs/"+path+".")
			return
		}
		d, err := s.search.Document(c.Request.Context(), id)
		if errors.Is(err, indexer.ErrNotFound) {
			s.renderNotFound(c, u, "There is no document at /docs/"+path+".")
			return
		}
		if err != nil {
			s.renderError(c, u, err)
			return
		}
		var body bytes.Buffer
		if err := indexer.RenderHTML(&body, []byte(d.Text)); err != nil {
			s.renderError(c, u, fmt.Errorf("document %s: %w", id, err))
			return
		}
		p := docPage{Heading: d.Title, EntityRef: d.EntityRef, Path: path,
			// goldmark leaves raw HTML out of its output, so the rendered body is safe.
			Body: template.HTML(body.String())} //nolint:gosec // rendered without raw HTML
		if r, err := catalog.ParseRef(d.EntityRef, "", ""); err == nil && d.EntityRef != "" {
			p.EntityURL = "/catalog/" + r.Namespace + "/" + strings.ToLower(r.Kind) + "/" + r.Name
		}
		p.layoutData = u.layout(c, d.Title, "")
		u.render(c, s.logger, 200, "doc.html", "layout", p)
	}
}

// docIDOf maps a doc page path to the document's id: "<namespace>/<kind>/<name>/<file>" to
// "doc:<kind>:<namespace>/<name>:<file>", and "dir/<folder>/<file>" to
// "doc:dir:<folder>:<file>".
func docIDOf(path string) (string, bool) {
	parts := strings.SplitN(path, "/", 4)
	if len(parts) >= 3 && parts[0] == "dir" && parts[1] != "" {
		rest := strings.Join(parts[2:], "/")
		return "doc:dir:" + parts[1] + ":" + rest, rest != ""
	}
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" || parts[2] == "" || parts[3] == "" {
		return "", false
	}
	ns, kind, name := strings.ToLower(parts[0]), strings.ToLower(parts[1]), strings.ToLower(parts[2])
	return "doc:" + kind + ":" + ns + "/" + name + ":" + parts[3], true
}
