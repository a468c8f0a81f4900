package scaffolder

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Workspace bounds: what one task may write.
const (
	maxWorkspaceFiles = 10000
	maxWorkspaceBytes = 256 << 20
	maxFileBytes      = 32 << 20
)

// Workspace is a task's working folder. Every write goes through an os.Root, so no path,
// symlink or ".." can reach outside it.
type Workspace struct {
	dir   string
	root  *os.Root
	files int
	bytes int64
}

// openWorkspace opens dir (which exists) as a workspace.
func openWorkspace(dir string) (*Workspace, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open workspace: %w", err)
	}
	return &Workspace{dir: dir, root: root}, nil
}

// Close releases the workspace's root (the folder stays).
func (w *Workspace) Close() error { return w.root.Close() }

// Dir is the workspace's folder.
func (w *Workspace) Dir() string { return w.dir }

// cleanRel checks that p names a place inside a folder: relative, without "..", and
// returns it cleaned with forward slashes ("." for the folder itself).
func cleanRel(p string) (string, error) {
	p = strings.ReplaceAll(p, "\\", "/")
	if strings.HasPrefix(p, "/") || filepath.IsAbs(p) || filepath.VolumeName(p) != "" {
		return "", errkindf("path %q is absolute: only paths inside the workspace are allowed", truncate(p, 200))
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", errkindf("path %q is outside the workspace", truncate(p, 200))
	}
	if strings.ContainsRune(c, 0) {
		return "", errkindf("path %q contains a NUL byte", truncate(p, 200))
	}
	return c, nil
}

// WriteFile writes data to rel (inside the workspace), creating its folders.
func (w *Workspace) WriteFile(rel string, data []byte, mode fs.FileMode) error {
	c, err := cleanRel(rel)
	if err != nil {
		return err
	}
	if c == "." {
		return errkindf("path %q names the workspace itself, not a file", rel)
	}
	if len(data) > maxFileBytes {
		return errkindf("file %s: larger than %d bytes", c, maxFileBytes)
	}
	if w.files+1 > maxWorkspaceFiles || w.bytes+int64(len(data)) > maxWorkspaceBytes {
		return errkindf("workspace full: at most %d files and %d bytes", maxWorkspaceFiles, maxWorkspaceBytes)
	}
	if dir := path.Dir(c); dir != "." {
		if err := w.root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("%w: %w", errkindf("cannot create folder %s in the workspace", dir), err)
		}
	}
	perm := fs.FileMode(0o644)
	if mode&0o111 != 0 {
		perm = 0o755
	}
	if err := w.root.WriteFile(c, data, perm); err != nil {
		return fmt.Errorf("%w: %w", errkindf("cannot write %s in the workspace", c), err)
	}
	w.files++
	w.bytes += int64(len(data))
	return nil
}

// ReadFile reads rel from the workspace.
func (w *Workspace) ReadFile(rel string) ([]byte, error) {
	c, err := cleanRel(rel)
	if err != nil {
		return nil, err
	}
	b, err := w.root.ReadFile(c)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errkindf("cannot read %s in the workspace", c), err)
	}
	return b, nil
}

// WorkspaceFile is one file of a workspace listing.
type WorkspaceFile struct {
	Path       string
	Executable bool
	Data       []byte
}

// Files lists the workspace's files (with contents when withData), sorted by path; it
// never follows a symlink.
func (w *Workspace) Files(withData bool) ([]WorkspaceFile, error) {
	var out []WorkspaceFile
	err := fs.WalkDir(w.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := WorkspaceFile{Path: p, Executable: info.Mode()&0o111 != 0}
		if withData {
			if f.Data, err = w.root.ReadFile(p); err != nil {
				return err
			}
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list workspace: %w", err)
	}
	slices.SortFunc(out, func(a, b WorkspaceFile) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// sourceFile is one file read from a template folder.
type sourceFile struct {
	rel  string // path below the fetched folder, forward slashes
	mode fs.FileMode
	data []byte
}

// readSource reads every file of the folder (or the one file) sub inside base. base is
// opened as an os.Root, so nothing outside it is read; a symlink anywhere in the tree is
// refused rather than followed.
func readSource(base, sub string, single bool) ([]sourceFile, error) {
	c, err := cleanRel(sub)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(base)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errkindf("template folder cannot be opened"), err)
	}
	defer root.Close()
	info, err := root.Lstat(c)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errkindf("%s does not exist in the template folder", c)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errkindf("cannot read %s in the template folder", c), err)
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, errkindf("%s is a symlink: symlinks in a template folder are not followed", c)
	}
	if single {
		if !info.Mode().IsRegular() {
			return nil, errkindf("%s is not a file", c)
		}
		data, err := readBounded(root, c, info)
		if err != nil {
			return nil, err
		}
		return []sourceFile{{rel: path.Base(c), mode: info.Mode(), data: data}}, nil
	}
	if !info.IsDir() {
		return nil, errkindf("%s is not a folder", c)
	}
	var out []sourceFile
	var total int64
	err = fs.WalkDir(root.FS(), c, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return errkindf("%s is a symlink: symlinks in a template folder are not followed", p)
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if len(out) >= maxWorkspaceFiles || total+info.Size() > maxWorkspaceBytes {
			return errkindf("%s: more than %d files or %d bytes", c, maxWorkspaceFiles, maxWorkspaceBytes)
		}
		data, err := readBounded(root, p, info)
		if err != nil {
			return err
		}
		total += int64(len(data))
		rel := strings.TrimPrefix(strings.TrimPrefix(p, c), "/")
		if c == "." {
			rel = p
		}
		out = append(out, sourceFile{rel: rel, mode: info.Mode(), data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read template folder %s: %w", c, err)
	}
	return out, nil
}

func readBounded(root *os.Root, p string, info fs.FileInfo) ([]byte, error) {
	if info.Size() > maxFileBytes {
		return nil, errkindf("%s: larger than %d bytes", p, maxFileBytes)
	}
	data, err := root.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errkindf("cannot read %s", p), err)
	}
	return data, nil
}
