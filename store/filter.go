package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// builder accumulates SQL text and its $n arguments.
type builder struct {
	strings.Builder
	args  []any
	depth int // derived tables written so far, for unique aliases
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

// set writes a SELECT of the uids (column "uid") of the entities matching f. Filters become
// set algebra over the search and relations indexes (INTERSECT for AllOf, UNION for AnyOf,
// EXCEPT for Not), so the database drives from the matching index ranges instead of testing
// every entity: on SQLite this made a two-condition filter over 10,000 entities about six
// times faster than IN tests (see predicate for PostgreSQL). Nested compounds are wrapped in a derived table, so
// each level has one operator and the engines' different precedence rules never matter.
func (b *builder) set(f catalog.Filter) error {
	if err := checkFilter(f); err != nil {
		return err
	}
	switch {
	case f.Key != "":
		return b.leaf(f.Key, f.Values)
	case len(f.AllOf) > 0:
		return b.compound(" INTERSECT ", f.AllOf)
	case len(f.AnyOf) > 0:
		return b.compound(" UNION ", f.AnyOf)
	case f.Not != nil:
		b.WriteString("SELECT uid FROM entities EXCEPT ")
		return b.operand(*f.Not)
	default:
		b.WriteString("SELECT uid FROM entities")
		return nil
	}
}

// checkFilter rejects a filter node that sets more than one of its alternatives.
func checkFilter(f catalog.Filter) error {
	n := 0
	for _, ok := range []bool{f.Key != "", len(f.AllOf) > 0, len(f.AnyOf) > 0, f.Not != nil} {
		if ok {
			n++
		}
	}
	if n > 1 {
		return errkind.Errorf(catalog.ErrInvalid, "filter sets more than one of key, allOf, anyOf and not")
	}
	return nil
}

// predicate writes f as a boolean expression over the entities row "e": each leaf an IN
// test against its set, combined with AND, OR and NOT. PostgreSQL plans this form as hash
// semi-joins, about twice as fast there as the set algebra of set.
func (b *builder) predicate(f catalog.Filter) error {
	if err := checkFilter(f); err != nil {
		return err
	}
	join := func(op string, fs []catalog.Filter) error {
		b.WriteString("(")
		for i, sub := range fs {
			if i > 0 {
				b.WriteString(op)
			}
			b.WriteString("(")
			if err := b.predicate(sub); err != nil {
				return err
			}
			b.WriteString(")")
		}
		b.WriteString(")")
		return nil
	}
	switch {
	case f.Key != "":
		b.WriteString("e.uid IN (")
		if err := b.leaf(f.Key, f.Values); err != nil {
			return err
		}
		b.WriteString(")")
		return nil
	case len(f.AllOf) > 0:
		return join(" AND ", f.AllOf)
	case len(f.AnyOf) > 0:
		return join(" OR ", f.AnyOf)
	case f.Not != nil:
		b.WriteString("NOT ")
		return join("", []catalog.Filter{*f.Not})
	default:
		b.WriteString("1 = 1")
		return nil
	}
}

// compound joins the sets of fs with op.
func (b *builder) compound(op string, fs []catalog.Filter) error {
	for i, sub := range fs {
		if i > 0 {
			b.WriteString(op)
		}
		if err := b.operand(sub); err != nil {
			return err
		}
	}
	return nil
}

// operand writes f's set as one operand of a compound: a leaf as it is, anything else
// wrapped as a derived table.
func (b *builder) operand(f catalog.Filter) error {
	if f.Key != "" {
		return b.set(f)
	}
	b.WriteString("SELECT uid FROM (")
	if err := b.set(f); err != nil {
		return err
	}
	b.depth++
	fmt.Fprintf(b, ") AS t%d", b.depth)
	return nil
}

// leaf writes the set of entities that have key (with one of values, if any), compared
// case-insensitively.
func (b *builder) leaf(key string, values []string) error {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" {
		return errkind.Errorf(catalog.ErrInvalid, "filter has an empty key")
	}
	vals := make([]string, len(values))
	for i, v := range values {
		vals[i] = strings.ToLower(strings.TrimSpace(v))
	}
	if typ, ok := strings.CutPrefix(key, relationsPrefix); ok {
		if typ == "" {
			return errkind.Errorf(catalog.ErrInvalid, "filter key %q names no relation type", key)
		}
		fmt.Fprintf(b, "SELECT x.uid AS uid FROM relations r JOIN entities x ON x.ref = r.source_ref WHERE lower(r.type) = %s", b.arg(typ))
		if len(vals) > 0 {
			fmt.Fprintf(b, " AND r.target_ref IN (%s)", b.list(vals))
		}
		return nil
	}
	fmt.Fprintf(b, "SELECT s.entity_uid AS uid FROM search s WHERE s.key = %s", b.arg(key))
	if len(vals) > 0 {
		fmt.Fprintf(b, " AND s.value IN (%s)", b.list(vals))
	}
	return nil
}

// fullText turns a FullText into a filter-like set: a search value of one of the fields
// contains the term, case-insensitively. ok is false for a blank term, which matches
// everything.
func (b *builder) fullText(ft *catalog.FullText) (ok bool) {
	term := strings.ToLower(strings.TrimSpace(ft.Term))
	if term == "" {
		return false
	}
	fields := ft.Fields
	if len(fields) == 0 {
		fields = defaultFullTextFields
	}
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = strings.ToLower(strings.TrimSpace(f))
	}
	fmt.Fprintf(b, `SELECT s.entity_uid AS uid FROM search s WHERE s.key IN (%s) AND s.value LIKE %s ESCAPE '\'`,
		b.list(keys), b.arg("%"+escapeLike(term)+"%"))
	return true
}

// escapeLike escapes LIKE's wildcards so that s matches literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// where writes the WHERE condition of q's filter and full-text term over the entities row
// "e", in the form the dialect plans best.
func (b *builder) where(d dialect, f catalog.Filter, ft *catalog.FullText) error {
	if !d.filterSets {
		if err := b.predicate(f); err != nil {
			return err
		}
		if hasTerm(ft) {
			b.WriteString(" AND e.uid IN (")
			b.fullText(ft)
			b.WriteString(")")
		}
		return nil
	}
	return b.inSets("e.uid", f, ft)
}

// inSets writes "col is the uid of an entity matching f and ft" as set tests: col IN the
// set of the positive conditions, and col NOT IN the set of each top-level negation. A
// negation such as "not hidden" would otherwise become a set as large as the catalog.
func (b *builder) inSets(col string, f catalog.Filter, ft *catalog.FullText) error {
	if err := checkFilter(f); err != nil {
		return err
	}
	pos, negs := splitNegations(f)
	text := hasTerm(ft)
	var conds int
	if !pos.IsZero() || text {
		fmt.Fprintf(b, "%s IN (", col)
		if !pos.IsZero() {
			if err := b.operand(pos); err != nil {
				return err
			}
			if text {
				b.WriteString(" INTERSECT ")
			}
		}
		if text {
			b.fullText(ft)
		}
		b.WriteString(")")
		conds++
	}
	for _, n := range negs {
		if conds > 0 {
			b.WriteString(" AND ")
		}
		fmt.Fprintf(b, "%s NOT IN (", col)
		if err := b.operand(n); err != nil {
			return err
		}
		b.WriteString(")")
		conds++
	}
	if conds == 0 {
		b.WriteString("1 = 1")
	}
	return nil
}

// splitNegations splits f into its positive part and the filters its top-level negations
// negate: f itself when it is a Not, or the Not conjuncts of an AllOf. f must have passed
// checkFilter.
func splitNegations(f catalog.Filter) (pos catalog.Filter, negs []catalog.Filter) {
	if isNegation(f) {
		return catalog.Filter{}, []catalog.Filter{*f.Not}
	}
	if len(f.AllOf) == 0 {
		return f, nil
	}
	var rest []catalog.Filter
	for _, c := range f.AllOf {
		if isNegation(c) {
			negs = append(negs, *c.Not)
		} else {
			rest = append(rest, c)
		}
	}
	switch len(rest) {
	case 0:
	case 1:
		pos = rest[0]
	default:
		pos = catalog.Filter{AllOf: rest}
	}
	return pos, negs
}

// isNegation reports whether f is exactly a Not (and nothing else, which set rejects).
func isNegation(f catalog.Filter) bool {
	return f.Not != nil && f.Key == "" && len(f.AllOf) == 0 && len(f.AnyOf) == 0
}

// hasTerm reports whether ft narrows anything.
func hasTerm(ft *catalog.FullText) bool { return ft != nil && strings.TrimSpace(ft.Term) != "" }
