package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// A location write commits its entities and, for each entity written, one pending_rows
// record carrying the entity's search and relation rows. Loading those rows into the search
// and relations tables, whose indexes cost more than all the rest of a bulk import (2.6 of
// 4.3 s for 10,000 entities, on either engine), happens after the commit: in the background
// (deriveLater), and before any read of those tables (settle), so that no reader of the
// tables sees an entity without its rows. The read model takes the rows from the write
// itself (catalog.Changes), so an import is queryable once its entities commit. A record
// outlives a crash, and is loaded by the next start or read.

// pendingPayload is a pending_rows record's payload: the entity's search rows and the
// relation rows it produced (source, type, target), exactly as the tables get them, but the
// metadata.uid search row. A search row is [key, original value] when its value is the
// original lower-cased (most rows: the record stays small), else [key, value, original],
// either of them null.
type pendingPayload struct {
	Search    [][]*string `json:"s"`
	Relations [][3]string `json:"r"`
}

// appendPayload appends the JSON of a pendingPayload with c's rows but the metadata.uid
// one, without json.Marshal's reflection (a tenth of an import's CPU went to it);
// pendingChange reads it back with json.Unmarshal.
func appendPayload(b []byte, c *change) []byte {
	b = append(b, `{"s":[`...)
	for i, r := range c.search[:len(c.search)-1] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, &r.Key)
		if r.Value == nil || r.OriginalValue == nil || *r.Value != strings.ToLower(*r.OriginalValue) {
			b = append(b, ',')
			b = appendJSONString(b, r.Value)
		}
		b = append(b, ',')
		b = appendJSONString(b, r.OriginalValue)
		b = append(b, ']')
	}
	b = append(b, `],"r":[`...)
	for i, r := range c.rels {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, &r.Source)
		b = append(b, ',')
		b = appendJSONString(b, &r.Type)
		b = append(b, ',')
		b = appendJSONString(b, &r.Target)
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

// appendJSONString appends s as a JSON string, or null when s is nil. s must be valid UTF-8
// (checkCell): bytes from 0x80 up are copied as they are.
func appendJSONString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(*s); i++ {
		ch := (*s)[i]
		if ch >= 0x20 && ch != '"' && ch != '\\' {
			continue
		}
		b = append(b, (*s)[start:i]...)
		switch ch {
		case '"', '\\':
			b = append(b, '\\', ch)
		default:
			b = append(b, '\\', 'u', '0', '0', hex[ch>>4], hex[ch&0xf])
		}
		start = i + 1
	}
	b = append(b, (*s)[start:]...)
	return append(b, '"')
}

// writeRows are the pending records of a write's candidate entities (inserts and updates),
// made before the write knows which inserts another location's refs turn away.
type writeRows struct {
	candidates []change
	err        error
}

// rowsLater makes the search and relation rows of candidates and their pending records
// (derive) on goroutines of their own, while the entity rows are written, and returns a
// func that waits for them (safe to call from several goroutines). candidates must be the
// write's own copy: their search, rels and payload are set.
func rowsLater(candidates []change) func() writeRows {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(candidates)/256))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(candidates); i += workers {
				if err := derive(&candidates[i]); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	return sync.OnceValue(func() writeRows {
		wg.Wait()
		return writeRows{candidates: candidates, err: errors.Join(errs...)}
	})
}

// of returns the pending records (uid, payload) of the entities written, a subset of the
// candidates, and sets each written change's search, rels and payload.
func (w writeRows) of(written []change) ([][]any, error) {
	if w.err != nil {
		return nil, w.err
	}
	byUID := make(map[string]*change, len(w.candidates))
	for i := range w.candidates {
		byUID[w.candidates[i].uid] = &w.candidates[i]
	}
	out := make([][]any, len(written))
	for i := range written {
		c := byUID[written[i].uid]
		written[i].search, written[i].rels, written[i].payload = c.search, c.rels, c.payload
		out[i] = []any{c.uid, c.payload}
	}
	return out, nil
}

// maxRowCell bounds each string of a search or relation row in bytes: PostgreSQL refuses
// an index entry over 2,704 bytes, and each index holds three of a row's strings (package
// catalog's rows keep keys and values to 200 characters).
const maxRowCell = 800

// checkCell returns an error wrapping catalog.ErrInvalid when s cannot go into the search or
// relations tables on every engine: PostgreSQL refuses a NUL or invalid UTF-8 in text, and
// long strings in an index. A write checks its rows before it commits, so that loading them cannot fail later.
func checkCell(ref, what, s string) error {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return errkind.Errorf(catalog.ErrInvalid, "entity %s: %s holds a NUL character", ref, what)
	case len(s) > maxRowCell:
		return errkind.Errorf(catalog.ErrInvalid, "entity %s: %s is %d bytes long, over %d", ref, what, len(s), maxRowCell)
	case !utf8.ValidString(s):
		return errkind.Errorf(catalog.ErrInvalid, "entity %s: %s is not valid UTF-8", ref, what)
	}
	return nil
}

// derive sets c's search rows as stored (keys and values lower-cased, unique per key and
// value, plus the metadata.uid row of the uid the store assigned), its relation rows as
// stored (refs lower-cased), and the pending record's payload that carries both.
func derive(c *change) error {
	// Rows are kept unique per (key, value): facets then count entities by counting rows,
	// and the sort index walk meets each entity once.
	seen := make(map[[2]string]bool, len(c.p.Search))
	c.search = make([]catalog.SearchRow, 0, len(c.p.Search)+1)
	for _, s := range c.p.Search {
		key, value := strings.ToLower(s.Key), lowerPtr(s.Value)
		kv := [2]string{key, deref(value)}
		if key == "metadata.uid" || seen[kv] {
			continue // the uid is the store's to assign
		}
		seen[kv] = true
		for _, cell := range [3]*string{&key, value, s.OriginalValue} {
			if cell != nil {
				if err := checkCell(c.ref, "search row "+key, *cell); err != nil {
					return err
				}
			}
		}
		c.search = append(c.search, catalog.SearchRow{Key: key, Value: value, OriginalValue: s.OriginalValue})
	}
	uid := c.uid
	c.search = append(c.search, catalog.SearchRow{Key: "metadata.uid", Value: &uid, OriginalValue: &uid})
	c.rels = make([]catalog.RelationRow, len(c.p.Relations))
	for i, r := range c.p.Relations {
		for _, cell := range [3]string{r.Source, r.Type, r.Target} {
			if err := checkCell(c.ref, "relation "+r.Type, cell); err != nil {
				return err
			}
		}
		c.rels[i] = catalog.RelationRow{Source: strings.ToLower(r.Source), Type: r.Type, Target: strings.ToLower(r.Target)}
	}
	c.payload = string(appendPayload(make([]byte, 0, 64*len(c.search)+96*len(c.rels)), c))
	return nil
}

// pendingChange decodes a pending record into a change holding just the uid and the rows
// (the metadata.uid search row added back), as searchAndRelationRows reads them.
func pendingChange(uid, payload string) (change, error) {
	var pl pendingPayload
	if err := json.Unmarshal([]byte(payload), &pl); err != nil {
		return change{}, fmt.Errorf("decode pending rows of entity %s: %w", uid, err)
	}
	c := change{uid: uid, search: make([]catalog.SearchRow, 0, len(pl.Search)+1), rels: make([]catalog.RelationRow, len(pl.Relations))}
	for _, s := range pl.Search {
		switch {
		case len(s) == 2 && s[0] != nil && s[1] != nil:
			low := strings.ToLower(*s[1])
			c.search = append(c.search, catalog.SearchRow{Key: *s[0], Value: &low, OriginalValue: s[1]})
		case len(s) == 3 && s[0] != nil:
			c.search = append(c.search, catalog.SearchRow{Key: *s[0], Value: s[1], OriginalValue: s[2]})
		default:
			return change{}, fmt.Errorf("decode pending rows of entity %s: a search row of %d cells", uid, len(s))
		}
	}
	u := uid
	c.search = append(c.search, catalog.SearchRow{Key: "metadata.uid", Value: &u, OriginalValue: &u})
	for i, r := range pl.Relations {
		c.rels[i] = catalog.RelationRow{Source: r[0], Type: r[1], Target: r[2]}
	}
	return c, nil
}

// writePending stores pending records (uid, payload), replacing an entity's older one.
func writePending(ctx context.Context, tx *sql.Tx, d dialect, rows [][]any) error {
	if err := insertRows(ctx, tx, d, "pending_rows (entity_uid, payload)", rows,
		" ON CONFLICT (entity_uid) DO UPDATE SET payload = excluded.payload"); err != nil {
		return fmt.Errorf("store pending search and relation rows: %w", err)
	}
	return nil
}

// deriveQuiet is how long the background load waits after a write before it starts. The
// load holds the writer lock for its whole transaction (2–3 s for 10,000 entities), so it
// lets the writer's caller finish first: after the commit, an import through the API still
// updates the read model, answers, and writes its audit row, 0.6–1 s in all, and on SQLite
// that row would otherwise wait for the whole load. A read that needs the rows does not
// wait for the quiet: it loads them itself (settle).
const deriveQuiet = time.Second

// deriveLater loads pending rows, if there are any (settle), in the background, after
// deriveQuiet. A failure loses nothing: the records stay until a later run or a read loads
// them.
func (db *DB) deriveLater() {
	db.derivation.trigger(&db.bg, func(ctx context.Context) {
		select {
		case <-time.After(deriveQuiet):
		case <-db.derivation.stopped(): // closing: load now
		case <-ctx.Done():
			return
		}
		if err := db.settle(ctx); err != nil && ctx.Err() == nil {
			db.logger.Warn("load pending search and relation rows", "error", err)
		}
	})
}

// settle loads pending rows, if there are any, before a read of the search or relations
// tables, so that the read sees every committed entity's rows.
func (db *DB) settle(ctx context.Context) error {
	var one int
	err := db.sql.QueryRowContext(ctx, `SELECT 1 FROM pending_rows LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check pending search and relation rows: %w", err)
	}
	return db.loadPending(ctx)
}

// loadPending moves every pending record's rows into the search and relations tables, in
// one transaction that takes the records (so that concurrent loaders each load a record at
// most once) and replaces the rows the entities had.
func (db *DB) loadPending(ctx context.Context) error {
	defer db.lockWrites()()
	conn, err := db.bulkConn(ctx)
	if err != nil {
		return fmt.Errorf("load pending rows: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("load pending rows: %w", err)
	}
	defer tx.Rollback()
	var cs []change
	var uids []string
	err = eachRow(ctx, tx, `DELETE FROM pending_rows RETURNING entity_uid, payload`, nil, func(rows *sql.Rows) error {
		var uid, payload string
		if err := rows.Scan(&uid, &payload); err != nil {
			return err
		}
		c, err := pendingChange(uid, payload)
		if err != nil {
			return err
		}
		cs = append(cs, c)
		uids = append(uids, uid)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load pending rows: %w", err)
	}
	if len(cs) == 0 {
		return nil
	}
	// Records of entities deleted since (DeleteEntity, DeleteLocation) have no rows to load.
	live := make(map[string]bool, len(cs))
	for _, chunk := range chunks(uids, db.dialect.maxParams) {
		var b builder
		fmt.Fprintf(&b, "SELECT uid FROM entities WHERE uid IN (%s)", b.list(chunk))
		if err := collectStrings(ctx, tx, &b, live); err != nil {
			return fmt.Errorf("load pending rows: %w", err)
		}
	}
	cs = slices.DeleteFunc(cs, func(c change) bool { return !live[c.uid] })
	old := make([]any, len(uids))
	for i, u := range uids {
		old[i] = u
	}
	for _, t := range [][2]string{{"search", "entity_uid"}, {"relations", "originating_uid"}} {
		if err := deleteUIDs(ctx, tx, db.dialect, t[0], t[1], old); err != nil {
			return fmt.Errorf("load pending rows: %w", err)
		}
	}
	search, rels := searchAndRelationRows(cs)
	if err := loadSearchAndRelations(ctx, tx, db.dialect, search, rels); err != nil {
		return fmt.Errorf("load pending rows: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("load pending rows: commit: %w", err)
	}
	if db.dialect.maintain != "" && len(cs) >= db.dialect.maintainAfter {
		db.maintainLater()
	}
	return nil
}
