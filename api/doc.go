// Package api is the portal's HTTP server, the only package that imports gin: routes,
// middleware (request id, access log, metrics, body limits, recovery), Backstage's catalog
// REST API under /api/catalog, operational endpoints and the web UI's pages.
package api
