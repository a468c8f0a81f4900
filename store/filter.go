package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// builder accumulates SQL text and its $n arguments.
type builder struct {
	strings.Builder
	args []any
}

// arg adds v as the next argument and returns its placeholder.
func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// list adds vs as arguments and returns their comma-separated placeholders.
func (b *builder) list(vs []string) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = b.arg(v)
	}
	return strings.Join(ph, ", ")
}

// relationsPrefix marks filter keys matched against the relations table, not search rows.
const relationsPrefix = "relations."

// defaultFullTextFields are searched by a FullText that names no fields.
var defaultFullTextFields = []string{"metadata.name", "metadata.title", "metadata.description", "spec.type", "spec.owner", "kind"}

// filter writes f as a boolean SQL expression over the entities row "e".
func (b *builder) filter(f catalog.Filter) error {
	set := 0
	for _, ok := range []bool{f.Key != "", len(f.AllOf) > 0, len(f.AnyOf) > 0, f.Not != nil} {
		if ok {
			set++
		}
	}
	if set > 1 {
		return fmt.Errorf("filter sets more than one of key, allOf, anyOf and not: %w", catalog.ErrInvalid)
	}
	switch {
	case f.Key != "":
		return b.leaf(f.Key, f.Values)
	case len(f.AllOf) > 0:
		return b.combine(" AND ", f.AllOf)
	case len(f.AnyOf) > 0:
		return b.combine(" OR ", f.AnyOf)
	case f.Not != nil:
		b.WriteString("NOT ")
		return b.combine("", []catalog.Filter{*f.Not})
	default:
		b.WriteString("1 = 1")
		return nil
	}
}

func (b *builder) combine(op string, fs []catalog.Filter) error {
	b.WriteString("(")
	for i, sub := range fs {
		if i > 0 {
			b.WriteString(op)
		}
		b.WriteString("(")
		if err := b.filter(sub); err != nil {
			return err
		}
		b.WriteString(")")
	}
	b.WriteString(")")
	return nil
}

// leaf writes one key[=values] condition. Relation keys match the relations table, whose
// rows are the entity's outgoing edges; every other key matches the search rows.
func (b *builder) leaf(key string, values []string) error {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" {
		return fmt.Errorf("filter has an empty key: %w", catalog.ErrInvalid)
	}
	vals := make([]string, len(values))
	for i, v := range values {
		vals[i] = strings.ToLower(strings.TrimSpace(v))
	}
	if typ, ok := strings.CutPrefix(key, relationsPrefix); ok {
		if typ == "" {
			return fmt.Errorf("filter key %q names no relation type: %w", key, catalog.ErrInvalid)
		}
		fmt.Fprintf(b, "e.ref IN (SELECT r.source_ref FROM relations r WHERE lower(r.type) = %s", b.arg(typ))
		if len(vals) > 0 {
			fmt.Fprintf(b, " AND r.target_ref IN (%s)", b.list(vals))
		}
		b.WriteString(")")
		return nil
	}
	fmt.Fprintf(b, "e.uid IN (SELECT s.entity_uid FROM search s WHERE s.key = %s", b.arg(key))
	if len(vals) > 0 {
		fmt.Fprintf(b, " AND s.value IN (%s)", b.list(vals))
	}
	b.WriteString(")")
	return nil
}

// fullText writes the FullText condition: a search value of one of the fields contains the
// term, case-insensitively. A blank term matches everything.
func (b *builder) fullText(ft *catalog.FullText) {
	term := strings.ToLower(strings.TrimSpace(ft.Term))
	if term == "" {
		b.WriteString("1 = 1")
		return
	}
	fields := ft.Fields
	if len(fields) == 0 {
		fields = defaultFullTextFields
	}
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = strings.ToLower(strings.TrimSpace(f))
	}
	fmt.Fprintf(b, `e.uid IN (SELECT s.entity_uid FROM search s WHERE s.key IN (%s) AND s.value LIKE %s ESCAPE '\')`,
		b.list(keys), b.arg("%"+escapeLike(term)+"%"))
}

// escapeLike escapes LIKE's wildcards so that s matches literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// where writes the WHERE condition of q's filter and full-text term.
func (b *builder) where(f catalog.Filter, ft *catalog.FullText) error {
	b.WriteString("(")
	if err := b.filter(f); err != nil {
		return err
	}
	b.WriteString(")")
	if ft != nil {
		b.WriteString(" AND (")
		b.fullText(ft)
		b.WriteString(")")
	}
	return nil
}
