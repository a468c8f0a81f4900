package catalog

import (
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// DefaultNamespace is the namespace of an entity or reference that names none.
const DefaultNamespace = "default"

// Ref identifies an entity: kind, namespace and name. Refs compare case-insensitively;
// String returns the canonical, lowercased form "kind:namespace/name".
type Ref struct {
	Kind      string
	Namespace string
	Name      string
}

// String returns the canonical form of the reference, "kind:namespace/name", lowercased the
// way Backstage's stringifyEntityRef does.
func (r Ref) String() string {
	ns := r.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	return strings.ToLower(r.Kind) + ":" + strings.ToLower(ns) + "/" + strings.ToLower(r.Name)
}

// ParseRef parses an entity reference in any of Backstage's forms: "kind:namespace/name",
// "kind:name", "namespace/name" or "name". A part the string leaves out is taken from
// defaultKind and defaultNamespace; it is an error if the kind is still unknown.
func ParseRef(s, defaultKind, defaultNamespace string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, errkind.Errorf(ErrInvalid, "parse entity ref: empty")
	}
	var r Ref
	rest := s
	if i := strings.Index(rest, ":"); i >= 0 {
		r.Kind, rest = rest[:i], rest[i+1:]
		if r.Kind == "" {
			return Ref{}, errkind.Errorf(ErrInvalid, "parse entity ref %q: empty kind", s)
		}
	}
	if i := strings.Index(rest, "/"); i >= 0 {
		r.Namespace, rest = rest[:i], rest[i+1:]
		if r.Namespace == "" {
			return Ref{}, errkind.Errorf(ErrInvalid, "parse entity ref %q: empty namespace", s)
		}
	}
	if rest == "" || strings.ContainsAny(rest, ":/") {
		return Ref{}, errkind.Errorf(ErrInvalid, "parse entity ref %q: bad name", s)
	}
	r.Name = rest
	if r.Kind == "" {
		r.Kind = defaultKind
	}
	if r.Kind == "" {
		return Ref{}, errkind.Errorf(ErrInvalid, "parse entity ref %q: no kind given and none implied", s)
	}
	if r.Namespace == "" {
		r.Namespace = defaultNamespace
	}
	if r.Namespace == "" {
		r.Namespace = DefaultNamespace
	}
	return r, nil
}
