package catalog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/auth"
)

// Content belongs to an owner. A file a $text, $json or $yaml placeholder reads, or the
// folder a backstage.io/techdocs-ref points at, belongs to the entities of the nearest
// catalog-info file above it: those of the closest folder, at or above the content, that
// holds a catalog-info.yaml (or .yml). An entity may use content it shares that file with,
// and content owned by entities at least as visible as itself; content owned by an entity
// fewer may see is refused, so that a public entity cannot republish a restricted one's
// files through its description, its catalog page, its docs or search.

// ownerFileNames are the names of the files that claim the folder they are in.
var ownerFileNames = []string{"catalog-info.yaml", "catalog-info.yml"}

// Bounds of the owner lookup: folders walked up, and documents read of an owner file.
const (
	maxOwnerWalk      = 64
	maxOwnerDocuments = 1000
)

// AnnotationTechDocsRef says where an entity's TechDocs are; "dir:<path>" is a folder
// relative to the entity's file.
const AnnotationTechDocsRef = "backstage.io/techdocs-ref"

// contentUse is a file or folder an entity being read uses, and the field that names it.
type contentUse struct {
	field fieldPath
	what  string // how the field uses it, for the message
	real  string // its real path
}

// checkContent records a problem for each content use of e that ContentRefusal refuses.
// path is the file e is read from.
func (r *reader) checkContent(c *checker, e Entity, path string) {
	uses := c.contents
	if v, ok := e.Metadata.Annotations[AnnotationTechDocsRef]; ok {
		if rel, ok := strings.CutPrefix(strings.TrimSpace(v), "dir:"); ok {
			dir := filepath.Join(filepath.Dir(path), filepath.FromSlash(strings.TrimSpace(rel)))
			if real, err := r.roots.resolve(dir); err == nil {
				uses = append(uses, contentUse{field: fieldPath{"metadata", "annotations", AnnotationTechDocsRef},
					what: AnnotationTechDocsRef + " " + v, real: real})
			}
		}
	}
	for _, u := range uses {
		o := r.ownersOf(u.real, path)
		if by := refusal(e, o.file, o.owners, o.sameFile); by != "" {
			c.add(u.field, fmt.Sprintf("uses %s (%s), which belongs to %s: fewer may see %s than %s, so its content may not be shown through %s",
				u.real, u.what, by, by, e.Ref(), e.Ref()))
		}
	}
}

// ContentRefusal reports whether e, read from the file entityFile, may not use the
// content at contentPath (a file or folder) because it belongs to an entity fewer may see:
// it returns that entity's ref, or "" when e may use it. roots bound the walk up (none:
// up to the filesystem root).
func ContentRefusal(e Entity, entityFile, contentPath string, roots []string) string {
	ownerFile, owners := contentOwners(contentPath, newRoots(roots))
	return refusal(e, ownerFile, owners, ownerFile != "" && sameFile(ownerFile, entityFile))
}

// owned is what contentOwners found for a content path, and whether the owner file is the
// file of the entity that uses the content.
type owned struct {
	file     string
	owners   []Entity
	sameFile bool
}

// ownersOf is contentOwners of the content at contentPath, used by an entity read from
// entityFile, looked up once per read: the entities of one file mostly use the same
// content folders (techdocs-ref dir:.), and the lookup walks the filesystem and may parse
// an owner file.
func (r *reader) ownersOf(contentPath, entityFile string) owned {
	key := [2]string{contentPath, entityFile}
	r.ownersMu.Lock()
	find, ok := r.owners[key]
	if !ok {
		find = sync.OnceValue(func() owned {
			file, owners := contentOwners(contentPath, r.roots)
			return owned{file: file, owners: owners, sameFile: file != "" && sameFile(file, entityFile)}
		})
		r.owners[key] = find
	}
	r.ownersMu.Unlock()
	return find()
}

// refusal is ContentRefusal given the content's owner file and its entities.
func refusal(e Entity, ownerFile string, owners []Entity, sameFile bool) string {
	if ownerFile == "" || sameFile {
		return ""
	}
	self := e.Ref().String()
	mine := ResourceOf(e)
	for _, o := range owners {
		if o.Ref().String() == self {
			return "" // e is one of the owners
		}
	}
	for _, o := range owners {
		if moreVisible(mine, ResourceOf(o)) {
			return o.Ref().String()
		}
	}
	return ""
}

// contentOwners finds the nearest catalog-info file at or above p and returns it with the
// entities it declares (read without placeholders: only their refs, owners and
// visibility matter). It returns "" when there is none within the roots.
func contentOwners(p string, rs roots) (string, []Entity) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", nil
	}
	dir := real
	if st, err := os.Stat(real); err == nil && !st.IsDir() {
		dir = filepath.Dir(real)
	}
	for range maxOwnerWalk {
		if len(rs) > 0 && !rs.contains(dir) {
			return "", nil
		}
		for _, name := range ownerFileNames {
			f := filepath.Join(dir, name)
			if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
				return f, declaredEntities(f)
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
	return "", nil
}

// declaredEntities reads the entities of a catalog file as declared, skipping documents
// that do not convert.
func declaredEntities(path string) []Entity {
	data, err := readLimited(path)
	if err != nil {
		return nil
	}
	var out []Entity
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for range maxOwnerDocuments {
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		raw, ok := normalizeYAML(v).(map[string]any)
		if !ok {
			continue
		}
		// A Location only points at other files: it claims no content.
		if e, err := entityFromRaw(raw); err == nil && e.Kind != "Location" {
			out = append(out, e)
		}
	}
	return out
}

// moreVisible reports whether some principal may see a but not b: a's visibility is wider,
// or both are restricted and a lets in an owner or group b does not.
func moreVisible(a, b auth.Resource) bool {
	rank := map[auth.Visibility]int{auth.VisibilityPublic: 0, auth.VisibilityInternal: 1, auth.VisibilityRestricted: 2}
	ra, rb := rank[a.Visibility], rank[b.Visibility]
	if ra != rb {
		return ra < rb
	}
	if a.Visibility != auth.VisibilityRestricted {
		return false
	}
	bIn := append(slices.Clone(b.Owners), b.AllowedGroups...)
	for _, x := range append(slices.Clone(a.Owners), a.AllowedGroups...) {
		if !slices.Contains(bIn, x) {
			return true
		}
	}
	return false
}

// sameFile reports whether a and b are the same file after following symlinks.
func sameFile(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}
