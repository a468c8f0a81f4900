package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// Facets counts, for each facet key, how many entities matching filter have each original
// value, sorted by value. Every requested facet is in the result, empty when no entity has it.
// Search rows are unique per (entity, key, original value), so counting rows counts entities.
func (db *DB) Facets(ctx context.Context, filter catalog.Filter, facets []string) (map[string][]catalog.FacetCount, error) {
	out := make(map[string][]catalog.FacetCount, len(facets))
	if len(facets) == 0 {
		return out, nil
	}
	if err := db.settle(ctx); err != nil {
		return nil, err
	}
	var b builder
	fmt.Fprintf(&b, `SELECT s.key, s.original_value, COUNT(*) FROM search s
		WHERE s.key IN (%s) AND s.original_value IS NOT NULL`, b.list(lowerAll(facets)))
	if !filter.IsZero() {
		b.WriteString(" AND ")
		if err := b.inSets("s.entity_uid", filter, nil); err != nil {
			return nil, fmt.Errorf("facets: %w", err)
		}
	}
	b.WriteString(" GROUP BY s.key, s.original_value")
	byKey := map[string][]catalog.FacetCount{}
	err := eachRow(ctx, db.sql, b.String(), b.args, func(r *sql.Rows) error {
		var key string
		var fc catalog.FacetCount
		if err := r.Scan(&key, &fc.Value, &fc.Count); err != nil {
			return err
		}
		byKey[key] = append(byKey[key], fc)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	for _, f := range facets {
		counts := slices.Clone(byKey[strings.ToLower(f)])
		if counts == nil {
			counts = []catalog.FacetCount{}
		}
		// Sorted here rather than in SQL so both engines agree on the order.
		slices.SortFunc(counts, func(a, b catalog.FacetCount) int { return strings.Compare(a.Value, b.Value) })
		out[f] = counts
	}
	return out, nil
}
