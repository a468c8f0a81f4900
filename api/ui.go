package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/web"
)

// uiPages are the page templates of package web; each is parsed together with layout.html.
var uiPages = []string{"catalog.html", "entity.html", "error.html", "login.html", "search.html", "doc.html", "create.html", "task.html", "incidents.html", "incident.html", "alert-rules.html", "deliveries.html"}

// ui renders the web UI's pages.
type ui struct {
	pages   map[string]*template.Template
	static  fs.FS
	etags   map[string]string // static file path -> strong ETag of its content
	version string
	chat    bool // the server has an assistant: pages carry the chat panel
}

// layoutData is what layout.html reads; every page's data embeds it.
type layoutData struct {
	Title   string
	Nav     string // which main nav entry is current: catalog, apis, teams, search or ""
	Version string
	// CSRF is the session's CSRF token, for forms and for scripts (a meta tag); empty
	// without a session.
	CSRF string
	// User names the signed-in caller in the header; empty when anonymous.
	User string
	// Session is true when a session cookie signed the caller in, so they may sign out.
	Session bool
	// Chat puts the assistant's chat panel on the page (a signed-in caller, and a server
	// with an assistant).
	Chat bool
}

// layout is the layout data of a page for the request's caller.
func (u *ui) layout(c *gin.Context, title, nav string) layoutData {
	d := layoutData{Title: title, Nav: nav, Version: u.version, CSRF: c.GetString(ctxCSRF), Session: c.GetBool(ctxViaCookie)}
	if p := auth.FromContext(c.Request.Context()); p.IsAuthenticated() {
		d.User = p.Name
		d.Chat = u.chat
	}
	return d
}

// newUI parses the embedded templates. They are compiled into the binary, so a parse error
// is a programmer error and panics (the UI tests catch it).
func newUI(version string) *ui {
	if version == "" {
		version = "dev"
	}
	u := &ui{pages: map[string]*template.Template{}, static: web.Static(), etags: map[string]string{}, version: version}
	base := template.Must(template.New("layout.html").ParseFS(web.Templates(), "layout.html"))
	for _, p := range uiPages {
		u.pages[p] = template.Must(template.Must(base.Clone()).ParseFS(web.Templates(), p))
	}
	err := fs.WalkDir(u.static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(u.static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		u.etags[p] = `"` + hex.EncodeToString(sum[:8]) + `"`
		return nil
	})
	if err != nil {
		panic("api: hash static files: " + err.Error())
	}
	return u
}

// render executes template name of page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (u *ui) render(c *gin.Context, logger *slog.Logger, status int, page, name string, data any) {
	var buf bytes.Buffer
	if err := u.pages[page].ExecuteTemplate(&buf, name, data); err != nil {
		logger.ErrorContext(c.Request.Context(), "render page", slog.String("page", page), slog.Any("error", err))
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error rendering the page\n"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// errorPage is the data of error.html.
type errorPage struct {
	layoutData
	Heading string
	Message string
}

// renderError shows the error page for err: 404 for catalog.ErrNotFound, 400 for invalid
// input (with its message), else 500 with a short message and the details in the log.
func (s *Server) renderError(c *gin.Context, u *ui, err error) {
	p := errorPage{layoutData: u.layout(c, "", "")}
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		s.renderNotFound(c, u, "There is no such entity in the catalog.")
		return
	case errors.Is(err, catalog.ErrInvalid):
		status, p.Title, p.Heading = http.StatusBadRequest, "Bad request", "Bad request"
		p.Message = err.Error()
	default:
		s.logger.ErrorContext(c.Request.Context(), "ui page", slog.String("path", c.Request.URL.Path), slog.Any("error", err))
		p.Title, p.Heading = "Error", "Something went wrong"
		p.Message = "The page could not be loaded. Try again, or check the portal's logs."
	}
	u.render(c, s.logger, status, "error.html", "layout", p)
}

// renderNotFound shows the 404 page with msg.
func (s *Server) renderNotFound(c *gin.Context, u *ui, msg string) {
	p := errorPage{layoutData: u.layout(c, "Not found", ""), Heading: "Not found", Message: msg}
	u.render(c, s.logger, http.StatusNotFound, "error.html", "layout", p)
}

// serveStatic serves one embedded static file. Directories are not listed. Files carry a
// content-hash ETag and must be revalidated, so a new binary's assets are picked up at once.
func (u *ui) serveStatic(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean(c.Param("filepath")), "/")
	etag, ok := u.etags[name]
	if !ok {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n"))
		return
	}
	f, err := u.static.Open(name)
	if err != nil {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n"))
		return
	}
	defer f.Close()
	c.Header("ETag", etag)
	c.Header("Cache-Control", "no-cache")
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, f.(io.ReadSeeker))
}
