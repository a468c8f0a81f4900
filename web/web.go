package web

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.html static
var files embed.FS

// Templates returns the page templates, one file per page plus layout.html, which defines the
// "layout" template every page renders into by defining "content" (and optionally "title").
func Templates() fs.FS { return mustSub("templates") }

// Static returns the static files served under /static/: style.css, the ES modules and icons.
func Static() fs.FS { return mustSub("static") }

// mustSub returns the embedded directory dir; the directories are fixed at build time, so a
// failure is a programmer error.
func mustSub(dir string) fs.FS {
	sub, err := fs.Sub(files, dir)
	if err != nil {
		panic("web: " + err.Error())
	}
	return sub
}
