package catalog

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nextportal/portal/internal/errkind"
)

// catalogFileNames are the files a directory target contributes, at any depth.
var catalogFileNames = map[string]bool{"catalog-info.yaml": true, "catalog-info.yml": true}

// skippedDirs are never descended into when a directory is registered.
var skippedDirs = map[string]bool{".git": true, "node_modules": true}

// LocationEntityRef returns the ref of the Location entity the catalog generates for a
// registered location, named like Backstage's: "generated-" + hex(sha1("type:target")).
func LocationEntityRef(typ, target string) string {
	e := generatedLocationEntity(typ, target)
	return e.Ref().String()
}

// generatedLocationEntity is Backstage's locationSpecToLocationEntity for a root location.
func generatedLocationEntity(typ, target string) Entity {
	key := typ + ":" + target
	sum := sha1.Sum([]byte(key))
	return Entity{
		APIVersion: "backstage.io/v1alpha1",
		Kind:       "Location",
		Metadata: Metadata{
			Name:      "generated-" + hex.EncodeToString(sum[:]),
			Namespace: DefaultNamespace,
			Annotations: map[string]string{
				AnnotationManagedByLocation:       key,
				AnnotationManagedByOriginLocation: key,
			},
		},
		Spec: map[string]any{"type": typ, "target": target},
	}
}

// roots is the set of directories file locations may reach, each absolute and with symlinks
// resolved.
type roots []string

// newRoots cleans the configured roots. A root that does not exist is kept as written.
func newRoots(dirs []string) roots {
	out := make(roots, 0, len(dirs))
	for _, d := range dirs {
		if d == "" {
			continue
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		out = append(out, abs)
	}
	return out
}

// contains reports whether the absolute path p is one of the roots or inside one.
func (rs roots) contains(p string) bool {
	for _, r := range rs {
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// forbidden is the error for a path outside every root.
func (rs roots) forbidden(p string) error {
	if len(rs) == 0 {
		return errkind.Errorf(ErrForbidden, "file location %s: no file location roots are configured (PORTAL_FILE_LOCATION_ROOTS)", p)
	}
	return errkind.Errorf(ErrForbidden, "file location %s is outside the allowed roots %s", p, strings.Join(rs, ", "))
}

// resolve checks an absolute path against the roots after following symlinks and returns the
// real path. A path that does not exist is checked as written and reported with an error
// wrapping fs.ErrNotExist; a path outside the roots yields ErrForbidden.
func (rs roots) resolve(p string) (string, error) {
	p = filepath.Clean(p)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !namesNoFile(err) {
			return "", fmt.Errorf("resolve %s: %w", p, err)
		}
		if !rs.contains(p) && !rs.contains(resolveExistingPrefix(p)) {
			return "", rs.forbidden(p)
		}
		return "", fmt.Errorf("%s does not exist: %w", p, fs.ErrNotExist)
	}
	if !rs.contains(real) {
		if real != p {
			return "", fmt.Errorf("%s (a symlink to %s): %w", p, real, rs.forbidden(real))
		}
		return "", rs.forbidden(p)
	}
	return real, nil
}

// namesNoFile reports whether err says a path cannot name a file at all: a file used as a
// directory, a name too long, a NUL byte or a symlink loop. Such a path, written in a catalog
// file, is bad input that is reported like a missing file, not a failure of the read.
func namesNoFile(err error) bool {
	for _, e := range []error{syscall.ENOTDIR, syscall.ENAMETOOLONG, syscall.EINVAL, syscall.ELOOP} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// resolveExistingPrefix follows symlinks in the longest existing prefix of p, so a missing
// file under a symlinked root directory is still recognised as inside it.
func resolveExistingPrefix(p string) string {
	dir, rest := p, ""
	for {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return p
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// isGlob reports whether a target is a pattern rather than a path.
func isGlob(p string) bool { return strings.ContainsAny(p, "*?[") }

// globBase returns the directory part of a pattern before its first wildcard.
func globBase(pattern string) string {
	dir := pattern
	for isGlob(dir) {
		dir = filepath.Dir(dir)
	}
	return dir
}

// glob lists the files matching an absolute pattern, which may use "**" for any number of
// directories, in lexical order.
func glob(pattern string) ([]string, error) {
	base := globBase(pattern)
	patSegs := strings.Split(strings.TrimPrefix(pattern, base+string(filepath.Separator)), string(filepath.Separator))
	var out []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if skippedDirs[d.Name()] && p != base {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(base, p)
		if matchSegments(patSegs, strings.Split(rel, string(filepath.Separator))) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("glob %s: %w", pattern, err)
	}
	return out, nil
}

// matchSegments matches path segments against pattern segments, "**" matching zero or more.
func matchSegments(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchSegments(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, err := filepath.Match(pat[0], segs[0])
	return err == nil && ok && matchSegments(pat[1:], segs[1:])
}

// catalogFiles lists the catalog-info.yaml / .yml files under dir, recursively, in lexical
// order.
func catalogFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skippedDirs[d.Name()] && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		if catalogFileNames[d.Name()] {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list catalog files in %s: %w", dir, err)
	}
	return out, nil
}

// statTarget reports whether an existing path is a directory.
func statTarget(real string) (bool, error) {
	info, err := os.Stat(real)
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", real, err)
	}
	return info.IsDir(), nil
}
