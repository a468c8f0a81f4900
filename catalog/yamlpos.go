package catalog

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// fieldPath is a path into an entity document: string segments are mapping keys, int
// segments are sequence indexes.
type fieldPath []any

// String renders the path the way problems name fields: "spec.owner", "metadata.tags[2]".
func (p fieldPath) String() string {
	var b strings.Builder
	for _, seg := range p {
		switch v := seg.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v.(string))
		}
	}
	return b.String()
}

// with returns a new path with seg appended; it never shares p's backing array.
func (p fieldPath) with(seg ...any) fieldPath {
	out := make(fieldPath, 0, len(p)+len(seg))
	return append(append(out, p...), seg...)
}

// lineOf returns the line of the node at path in the document node n, or of its deepest
// existing ancestor when the path does not exist (a missing field is reported where its
// parent is). It returns 0 when n is nil.
func lineOf(n *yaml.Node, path fieldPath) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, seg := range path {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		next, keyLine := childNode(n, seg)
		if next == nil {
			return line
		}
		line, n = keyLine, next
	}
	return line
}

// childNode returns the child of n for one path segment and the line to report for it (the
// key's line for mapping entries).
func childNode(n *yaml.Node, seg any) (*yaml.Node, int) {
	switch v := seg.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil, 0
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == v {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && v >= 0 && v < len(n.Content) {
			return n.Content[v], n.Content[v].Line
		}
	}
	return nil, 0
}
