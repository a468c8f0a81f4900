package demo

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

//go:embed all:org
var org embed.FS

// rootDir is the name of the embedded tree and of the folder Extract writes it to.
const rootDir = "org"

// Extract writes the embedded demo organisation to dir/org and returns the absolute path of
// org/catalog-info.yaml, the Location that names every other catalog file. What was in dir/org
// before is replaced: files whose content differs are rewritten (each one atomically, through a
// temporary file and a rename), unchanged files are left alone, and files or folders the
// embedded tree no longer has are removed, so a new binary's edits always show up.
func Extract(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("extract demo: resolve %s: %w", dir, err)
	}
	keep := map[string]bool{}
	err = fs.WalkDir(org, rootDir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		keep[name] = true
		dst := filepath.Join(abs, filepath.FromSlash(name))
		if d.IsDir() {
			return ensureDir(dst)
		}
		data, err := org.ReadFile(name)
		if err != nil {
			return err
		}
		return writeIfChanged(dst, data)
	})
	if err != nil {
		return "", fmt.Errorf("extract demo to %s: %w", abs, err)
	}
	if err := removeStale(abs, keep); err != nil {
		return "", fmt.Errorf("extract demo to %s: %w", abs, err)
	}
	return filepath.Join(abs, rootDir, "catalog-info.yaml"), nil
}

// ensureDir makes path a directory, replacing a file or symlink that stands in its way.
func ensureDir(p string) error {
	fi, err := os.Lstat(p)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("replace %s with a directory: %w", p, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("stat %s: %w", p, err)
	}
	if err := os.MkdirAll(p, 0o755); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	return nil
}

// writeIfChanged writes data to p through a temporary file in the same directory and a rename,
// so a reader never sees half a file. It does nothing when p already holds exactly data.
func writeIfChanged(p string, data []byte) error {
	if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
			return nil
		}
	} else if err == nil && fi.IsDir() {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("replace directory %s with a file: %w", p, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// removeStale deletes everything under abs/org whose embedded name is not in keep.
func removeStale(abs string, keep map[string]bool) error {
	base := filepath.Join(abs, rootDir)
	return filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(abs, p)
		if err != nil {
			return err
		}
		if keep[path.Clean(filepath.ToSlash(rel))] {
			return nil
		}
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("remove stale %s: %w", p, err)
		}
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
}
