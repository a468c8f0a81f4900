package store

import (
	"slices"
	"sync"
)

// writeRows are the search and relation rows of a write's candidate entities (inserts and
// updates), made before the write knows which inserts another location's refs turn away.
type writeRows struct {
	candidates  []change
	search, rel [][]any
}

// rowsLater makes the search and relation rows of candidates (searchAndRelationRows) on a
// goroutine of its own, while the entity rows are written, and returns a func that waits
// for them. candidates must be the write's own copy: their search and rels are set.
func rowsLater(candidates []change, keep bool) func() writeRows {
	var out writeRows
	var wg sync.WaitGroup
	wg.Go(func() {
		search, rel := searchAndRelationRows(candidates, keep)
		out = writeRows{candidates: candidates, search: search, rel: rel}
	})
	return func() writeRows {
		wg.Wait()
		return out
	}
}

// of returns the rows of the entities written, a subset of the candidates in their order,
// and sets each written change's search and rels.
func (w writeRows) of(written []change) (search, rel [][]any) {
	byUID := make(map[string]*change, len(w.candidates))
	for i := range w.candidates {
		byUID[w.candidates[i].uid] = &w.candidates[i]
	}
	for i := range written {
		c := byUID[written[i].uid]
		written[i].search, written[i].rels = c.search, c.rels
		delete(byUID, c.uid)
	}
	if len(byUID) == 0 {
		return w.search, w.rel
	}
	// Refs another location has: their candidates' rows go (rows start with the uid).
	keep := func(row []any) bool { return byUID[row[0].(string)] == nil }
	return slices.DeleteFunc(w.search, func(r []any) bool { return !keep(r) }),
		slices.DeleteFunc(w.rel, func(r []any) bool { return !keep(r) })
}
