package indexer

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// AnnotationTechDocsRef is the annotation that says where an entity's docs are; only the
// "dir:<path>" form, relative to the entity's catalog file, is read.
const AnnotationTechDocsRef = "backstage.io/techdocs-ref"

// techDocsSource yields the markdown files of every entity's TechDocs folder.
type techDocsSource struct {
	cat    *catalog.Service
	roots  []string
	logger *slog.Logger
}

// techDocsSkips counts the entities whose techdocs-ref was not read, by reason.
type techDocsSkips struct {
	NotDir       int // a techdocs-ref of another form (url:...): no network is used
	Refused      int // the folder belongs to an entity fewer may see
	NotFile      int // the entity was not read from a file location
	OutsideRoots int // the folder lies outside every root
	Missing      int // the folder or its docs folder does not exist
}

// NewTechDocsSource returns the source of TechDocs folders, named "techdocs". For every
// entity annotated backstage.io/techdocs-ref: dir:<rel> and read from a file location, the
// base folder is <rel> beside the entity's catalog file, and its docs folder is the
// docs_dir of base/mkdocs.yml (or mkdocs.yaml), else base/docs. Each markdown file under it
// becomes a KindDoc document that inherits the entity's fields and visibility.
//
// roots are the directories the catalog may read (PORTAL_FILE_LOCATION_ROOTS): a base
// folder outside all of them, after following symlinks, is skipped. nil roots means no
// confinement check at all, for callers that trust every catalog file.
func NewTechDocsSource(cat *catalog.Service, roots []string) Source {
	var real []string
	for _, r := range roots {
		if d, ok := realDir(r); ok {
			real = append(real, d)
		}
	}
	if roots != nil && real == nil {
		real = []string{} // roots were given but none exists: nothing is inside
	}
	return &techDocsSource{cat: cat, roots: real, logger: slog.Default().With("component", "indexer")}
}

// Name returns "techdocs".
func (s *techDocsSource) Name() string { return SourceTechDocs }

// Documents yields one document per markdown file of every entity's docs folder.
func (s *techDocsSource) Documents(ctx context.Context, yield func(Document) error) error {
	y := &yieldOnce{yield: yield}
	skips, err := s.documents(ctx, y.call)
	if err != nil {
		return y.result(err)
	}
	if skips != (techDocsSkips{}) {
		s.logger.InfoContext(ctx, "techdocs folders skipped",
			"other_ref_forms", skips.NotDir, "not_file_locations", skips.NotFile,
			"outside_roots", skips.OutsideRoots, "missing", skips.Missing, "owned_by_less_visible", skips.Refused)
	}
	return nil
}

// documents is Documents that returns what it skipped.
func (s *techDocsSource) documents(ctx context.Context, yield func(Document) error) (techDocsSkips, error) {
	var skips techDocsSkips
	ctx = auth.NewContext(ctx, auth.System())
	view, err := loadCatalogView(ctx, s.cat)
	if err != nil {
		return skips, err
	}
	err = eachEntity(ctx, s.cat, catalog.Filter{}, func(e *catalog.Entity) error {
		docRef := strings.TrimSpace(e.Metadata.Annotations[AnnotationTechDocsRef])
		if docRef == "" {
			return nil
		}
		rel, ok := strings.CutPrefix(docRef, "dir:")
		if !ok {
			skips.NotDir++
			return nil
		}
		file, ok := strings.CutPrefix(e.Metadata.Annotations[catalog.AnnotationManagedByLocation], "file:")
		if !ok || !filepath.IsAbs(file) {
			skips.NotFile++
			return nil
		}
		base, ok := realDir(filepath.Join(filepath.Dir(file), filepath.FromSlash(strings.TrimSpace(rel))))
		if !ok {
			skips.Missing++
			return nil
		}
		if !s.inRoots(base) {
			skips.OutsideRoots++
			return nil
		}
		if by := catalog.ContentRefusal(*e, file, base, s.roots); by != "" {
			// The folder belongs to an entity fewer may see: its docs are not shown
			// through this one (catalog.ContentRefusal).
			skips.Refused++
			return nil
		}
		docs, ok := docsFolder(base)
		if !ok {
			skips.Missing++
			return nil
		}
		if err := s.entityDocs(ctx, e, view, base, docs, yield); err != nil {
			return fmt.Errorf("techdocs of %s: %w", e.Ref(), err)
		}
		return nil
	})
	return skips, err
}

// entityDocs yields the documents of the markdown files under docs, a folder inside base.
func (s *techDocsSource) entityDocs(ctx context.Context, e *catalog.Entity, view catalogView, base, docs string, yield func(Document) error) error {
	ref := e.Ref()
	fields := view.fields(e)
	vis, allowed := entityAccess(e)
	prefix, err := filepath.Rel(base, docs)
	if err != nil {
		return fmt.Errorf("docs folder %s: %w", docs, err)
	}
	return walkMarkdown(ctx, docs, func(f markdownFile) error {
		rel := f.Rel
		if prefix != "." {
			rel = filepath.ToSlash(prefix) + "/" + rel
		}
		return yield(Document{
			ID:         "doc:" + ref.String() + ":" + rel,
			Kind:       KindDoc,
			Source:     SourceTechDocs,
			EntityRef:  ref.String(),
			Title:      f.Title,
			Text:       f.Text,
			URL:        "/docs/" + entityPath(ref) + "/" + escapePath(rel),
			Fields:     maps.Clone(fields), // each document owns its map
			Visibility: vis,
			Allowed:    allowed,
			UpdatedAt:  f.ModTime,
		})
	})
}

// inRoots reports whether the real path dir lies inside one of the roots; with no roots
// configured (nil) everything does.
func (s *techDocsSource) inRoots(dir string) bool {
	if s.roots == nil {
		return true
	}
	for _, r := range s.roots {
		if pathWithin(r, dir) {
			return true
		}
	}
	return false
}

// docsFolder returns the real path of base's docs folder: mkdocs.yml's docs_dir, else
// "docs". ok is false when it does not exist or lies outside base.
func docsFolder(base string) (string, bool) {
	name := "docs"
	for _, f := range []string{"mkdocs.yml", "mkdocs.yaml"} {
		if d, ok := mkdocsDocsDir(filepath.Join(base, f)); ok {
			name = d
			break
		}
	}
	if filepath.IsAbs(name) {
		return "", false
	}
	docs, ok := realDir(filepath.Join(base, filepath.FromSlash(name)))
	if !ok || !pathWithin(base, docs) {
		return "", false
	}
	return docs, true
}

// mkdocsDocsDir reads docs_dir from an mkdocs config. ok is false when the file does not
// exist, does not parse or sets no docs_dir. It reads the YAML as a node tree, so the
// Python-specific tags MkDocs configs often carry do not get in the way.
func mkdocsDocsDir(p string) (string, bool) {
	data, err := os.ReadFile(p)
	if err != nil || len(data) > maxMarkdownFile {
		return "", false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return "", false
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return "", false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value == "docs_dir" && v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) != "" {
			return strings.TrimSpace(v.Value), true
		}
	}
	return "", false
}
