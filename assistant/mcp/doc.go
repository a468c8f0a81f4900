// Package mcp serves the portal over the Model Context Protocol (streamable HTTP, with
// github.com/modelcontextprotocol/go-sdk), so AI clients reach the same catalog, search
// and assistant as the web UI and Slack, with the same permissions: every tool runs as
// the principal of the caller's portal API token and sees only what it may see.
//
// Tools: search, get_entity, related and ask; every tool of the assistant's registry
// (catalog_lookup, catalog_relation, doc_search, and those later capabilities register);
// and Backstage's well-known MCP actions with Backstage's input names — who-am-i,
// get-catalog-entity, query-catalog-entities, validate-entity, register-entity,
// unregister-entity and dry-run-template — so a client set up for Backstage's MCP server
// works unchanged.
package mcp
