package indexer

import (
	"context"
	"errors"
	"fmt"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// ErrNotFound is returned for a document that does not exist or that the caller may not see
// (the two are indistinguishable on purpose).
var ErrNotFound = errors.New("document not found")

// Document returns the stored document with id, text included, if the caller
// (auth.FromContext) may see it.
func (s *Service) Document(ctx context.Context, id string) (Document, error) {
	d, ok, err := s.store.Document(ctx, id)
	if err != nil {
		return Document{}, fmt.Errorf("document %s: %w", id, err)
	}
	if !ok || !AudienceOf(auth.FromContext(ctx)).CanSee(d.Visibility, d.Allowed) {
		return Document{}, errkind.Errorf(ErrNotFound, "document %s", id)
	}
	return d, nil
}
