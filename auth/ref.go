package auth

import (
	"regexp"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// Name formats, as the catalog's (Backstage's) entity names and namespaces; repeated here
// because package catalog imports auth, not the reverse.
var (
	nameRE      = regexp.MustCompile(`^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$`)
	namespaceRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

const maxNameLen = 63

// validName reports whether s is a valid login name: an entity name (letters and digits in
// runs separated by single '-', '_' or '.', at most 63 characters).
func validName(s string) bool { return len(s) <= maxNameLen && nameRE.MatchString(s) }

// CanonicalUserRef returns the canonical form of a reference to a catalog User, e.g.
// "jane" → "user:default/jane", "User:Ops/Jane" → "user:ops/jane". A ref to another kind,
// or a malformed one, is ErrInvalid.
func CanonicalUserRef(s string) (string, error) {
	kind, rest := "user", strings.TrimSpace(s)
	if k, r, ok := strings.Cut(rest, ":"); ok {
		kind, rest = strings.ToLower(k), r
	}
	ns, name := "default", rest
	if n, r, ok := strings.Cut(rest, "/"); ok {
		ns, name = strings.ToLower(n), r
	}
	switch {
	case kind != "user":
		return "", errkind.Errorf(ErrInvalid, "user ref %q: kind must be user", s)
	case len(ns) > maxNameLen || !namespaceRE.MatchString(ns):
		return "", errkind.Errorf(ErrInvalid, "user ref %q: bad namespace", s)
	case !validName(name):
		return "", errkind.Errorf(ErrInvalid, "user ref %q: bad name", s)
	}
	return "user:" + ns + "/" + strings.ToLower(name), nil
}

// refName returns the name part of a canonical ref.
func refName(ref string) string {
	if i := strings.LastIndexAny(ref, ":/"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}
