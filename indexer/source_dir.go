package indexer

import (
	"context"
	"fmt"
	"net/url"

	"github.com/nextportal/portal/auth"
)

// dirSource yields the markdown files of a configured docs folder.
type dirSource struct {
	name, dir string
}

// NewDirSource returns the source of a configured folder of markdown that no entity owns,
// named "docs:<name>" (so two folders never delete each other's documents). name identifies the folder in document IDs and URLs
// (doc:dir:<name>:<path>, /docs/dir/<name>/<path>); its documents are internal: every
// signed-in user may see them. The folder is walked like a TechDocs folder: hidden
// directories, files over 1 MiB and symlinks leading out of the folder are skipped.
func NewDirSource(name, dir string) Source {
	return &dirSource{name: name, dir: dir}
}

// Name returns "docs:<name>".
func (s *dirSource) Name() string { return SourceDir + ":" + s.name }

// Documents yields one document per markdown file of the folder. A folder that does not
// exist is an error, so a mistyped path does not delete what was indexed from it.
func (s *dirSource) Documents(ctx context.Context, yield func(Document) error) error {
	dir, ok := realDir(s.dir)
	if !ok {
		return fmt.Errorf("docs folder %s (%s): not a directory", s.name, s.dir)
	}
	y := &yieldOnce{yield: yield}
	err := walkMarkdown(ctx, dir, func(f markdownFile) error {
		return y.call(Document{
			ID:         "doc:dir:" + s.name + ":" + f.Rel,
			Kind:       KindDoc,
			Source:     s.Name(),
			Title:      f.Title,
			Text:       f.Text,
			URL:        "/docs/dir/" + url.PathEscape(s.name) + "/" + escapePath(f.Rel),
			Fields:     map[string][]string{},
			Visibility: auth.VisibilityInternal,
			UpdatedAt:  f.ModTime,
		})
	})
	if err != nil {
		return y.result(fmt.Errorf("docs folder %s: %w", s.name, err))
	}
	return nil
}
