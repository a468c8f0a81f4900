// Package catalog is the Backstage-compatible software catalog: the entity model
// (apiVersion/kind/metadata/spec/relations/status), entity references, validation the way
// Backstage validates, relation inference in both directions, file locations and their YAML
// ingestion, and Backstage's entity filters.
//
// The catalog keeps no state of its own: a Store (implemented in package store, on SQLite and
// PostgreSQL) holds entities, their relations, the flattened search rows that serve filters,
// and the registered locations. Service is the one entry point the HTTP layer and the CLI use.
//
// Every read answers for the principal in its context (auth.FromContext): what that caller
// may not see (the nextportal.io/visibility annotation, decided by auth.Policy) is filtered
// inside the store's queries and reads as not found, as if it did not exist. Service is also
// the auth.Directory that resolves users' groups and emails.
package catalog
