// Package catalog is the Backstage-compatible software catalog: the entity model
// (apiVersion/kind/metadata/spec/relations/status), entity references, validation the way
// Backstage validates, relation inference in both directions, file locations and their YAML
// ingestion, and Backstage's entity filters.
//
// The catalog keeps no state of its own: a Store (implemented in package store, on SQLite and
// PostgreSQL) holds entities, their relations, the flattened search rows that serve filters,
// and the registered locations. Service is the one entry point the HTTP layer and the CLI use.
package catalog
