// Package web holds the portal's user interface: html/template pages and the static files
// (CSS, small vanilla ES modules, icons) they use, embedded in the binary so the portal
// serves its UI offline with no JavaScript build step. It imports nothing from this
// repository; package api parses the templates and renders them with catalog data.
package web
