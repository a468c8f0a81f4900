package indexer

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// maxMarkdownFile is the largest markdown file a source reads; larger ones are skipped.
const maxMarkdownFile = 1 << 20

// markdownFile is one markdown file found under a docs folder.
type markdownFile struct {
	Rel     string // path relative to the folder, slash-separated
	Title   string
	Text    string
	ModTime time.Time
}

// walkMarkdown calls fn with every *.md and *.markdown file under dir (a real path, with
// symlinks resolved), in lexical order. It skips hidden directories, files larger than
// maxMarkdownFile and symlinks that lead outside dir or to a directory.
func walkMarkdown(ctx context.Context, dir string, fn func(markdownFile) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !isMarkdownName(d.Name()) {
			return nil
		}
		real := p
		switch {
		case d.Type().IsRegular():
		case d.Type()&fs.ModeSymlink != 0:
			var err error
			if real, err = filepath.EvalSymlinks(p); err != nil || !pathWithin(dir, real) {
				return nil
			}
			if fi, err := os.Stat(real); err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		default:
			return nil // devices, pipes and sockets are not documents
		}
		data, mtime, ok, err := readMarkdown(real)
		if err != nil || !ok {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		return fn(markdownFile{
			Rel:     filepath.ToSlash(rel),
			Title:   markdownTitle(data, d.Name()),
			Text:    cleanText(string(data)),
			ModTime: mtime,
		})
	})
}

// readMarkdown reads a regular file of at most maxMarkdownFile bytes; ok is false for
// anything else.
func readMarkdown(p string) (data []byte, mtime time.Time, ok bool, err error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("read %s: %w", p, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("read %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxMarkdownFile {
		return nil, time.Time{}, false, nil
	}
	data, err = io.ReadAll(io.LimitReader(f, maxMarkdownFile+1))
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("read %s: %w", p, err)
	}
	if len(data) > maxMarkdownFile {
		return nil, time.Time{}, false, nil
	}
	return data, fi.ModTime().UTC(), true, nil
}

// isMarkdownName reports whether a file name has a markdown extension.
func isMarkdownName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".md" || ext == ".markdown"
}

// markdownTitle returns the text of the first top-level level-1 heading of src, else the
// file name without its extension.
func markdownTitle(src []byte, name string) string {
	src = stripFrontMatter(src)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level == 1 {
			if t := inlineText(h, src); t != "" {
				return t
			}
		}
	}
	return strings.TrimSuffix(name, filepath.Ext(name))
}

// pathWithin reports whether the clean absolute path p is dir or inside it.
func pathWithin(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// realDir returns the absolute path of dir with symlinks resolved, and whether it is an
// existing directory.
func realDir(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(real)
	if err != nil || !fi.IsDir() {
		return "", false
	}
	return real, true
}
