package indexer

import "context"

// Source produces the current documents of one origin (the catalog, TechDocs folders, a
// docs folder, a BEIR corpus; later incidents and costs).
type Source interface {
	// Name identifies the source; it is every Document's Source, and documents the
	// store holds for this name but a complete run no longer yields are deleted.
	Name() string
	// Documents calls yield with every current document. It returns yield's first error.
	// When it returns an error the run is incomplete and nothing is deleted.
	Documents(ctx context.Context, yield func(Document) error) error
}
