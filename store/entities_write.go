package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// bulkLoad is how many entity changes make a write a bulk load, after which PostgreSQL's
// planner statistics are refreshed (dialect.maintainAfter).
const bulkLoad = 500

// stored is what ReplaceLocationEntities needs to know of an entity already stored.
type stored struct {
	uid, hash, parent string
	generation        int64
}

// change is one entity to write: p, its canonical ref, and the uid it has or gets. etag,
// generation and body are what is written.
type change struct {
	p          *catalog.Processed
	ref        string
	uid        string
	etag       string
	generation int64
	body       string
	search     []catalog.SearchRow   // as stored (derive)
	rels       []catalog.RelationRow // as stored (derive)
	payload    string                // its pending record (derive)
}

// changeLog collects what a location write changed, for catalog.Changes.
type changeLog struct {
	before, after string
	removed       []string
	written       []change
	// decoded waits for and returns the written entities' decoded bodies (decodeLater),
	// once the transaction has written them.
	decoded func() ([]catalog.Entity, error)
	// early, when set, is called with the changes before the commit
	// (ReplaceLocationEntitiesChanges); bg is the goroutine that calls it.
	early func(catalog.Changes)
	bg    sync.WaitGroup
}

// changes is what the write changed, given the written entities' decoded bodies.
func (l *changeLog) changes(ents []catalog.Entity) catalog.Changes {
	return catalog.Changes{Before: l.before, After: l.after, Removed: l.removed, Written: snapshotEntities(l.written, ents)}
}

// callEarly calls l.early on a goroutine of its own with the changes the write means to
// make, once the candidates' rows (rowsLater) and bodies (decodeLater, of the same
// candidates in the same order) are made: the version before, the uids removed, and every
// candidate as written. The version after is left empty: it is known only once the entity
// rows are in, as are the candidates another location's refs turn away.
func (l *changeLog) callEarly(rows func() writeRows, decoded func() ([]catalog.Entity, error)) {
	if l.early == nil {
		return
	}
	l.bg.Go(func() {
		w := rows()
		ents, err := decoded()
		if w.err != nil || err != nil {
			return // the write fails too
		}
		l.early(catalog.Changes{Before: l.before, Removed: l.removed, Written: snapshotEntities(w.candidates, ents)})
	})
}

// ReplaceLocationEntities makes the location's entities exactly entities, in one
// transaction; see catalog.Store. Entities are compared by canonical ref; a ref given twice
// keeps its first entity and lists the ref in Conflicts, as does a ref another location has.
func (db *DB) ReplaceLocationEntities(ctx context.Context, locationID string, entities []catalog.Processed) (catalog.ApplyResult, error) {
	return db.replaceLocation(ctx, locationID, entities, nil)
}

// ReplaceLocationEntitiesChanges is ReplaceLocationEntities that also reports what changed
// (catalog.ChangeStore): the catalog's version at the start and the end of the write's
// transaction, the uids removed, and the entities inserted or updated as CatalogSnapshot
// would read them. early, when not nil, gets the changes the write means to make
// (catalog.ChangeStore) on another goroutine once its candidates' rows and bodies are made,
// while the entity rows go in and the transaction commits; the call returns after early has.
func (db *DB) ReplaceLocationEntitiesChanges(ctx context.Context, locationID string, entities []catalog.Processed, early func(catalog.Changes)) (catalog.ApplyResult, catalog.Changes, error) {
	log := changeLog{early: early}
	res, err := db.replaceLocation(ctx, locationID, entities, &log)
	// Waited for also after a failed write, so that no goroutine outlives the call.
	log.bg.Wait()
	var ents []catalog.Entity
	if log.decoded != nil {
		var derr error
		ents, derr = log.decoded()
		if err == nil && derr != nil {
			err = fmt.Errorf("replace entities of location %s: %w", locationID, derr)
		}
	}
	if err != nil {
		return res, catalog.Changes{}, err
	}
	return res, log.changes(ents), nil
}

// decodeLater decodes the stored bodies of cs (as written, with their store-assigned uid,
// etag and generation) in the background, while the transaction goes on, on all CPUs but
// the one the transaction's statements run on; the returned func waits for the result
// (safe to call from several goroutines). Only cs's body, uid, etag, generation and ref are
// read.
func decodeLater(cs []change) func() ([]catalog.Entity, error) {
	out := make([]catalog.Entity, len(cs))
	workers := min(max(1, runtime.GOMAXPROCS(0)-1), max(1, len(cs)/256))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(cs); i += workers {
				c := &cs[i]
				e := &out[i]
				if err := json.Unmarshal([]byte(c.body), e); err != nil {
					errs[w] = fmt.Errorf("decode entity %s: %w", c.ref, err)
					return
				}
				e.Metadata.UID, e.Metadata.Etag, e.Metadata.Generation = c.uid, c.etag, c.generation
			}
		})
	}
	return func() ([]catalog.Entity, error) {
		wg.Wait()
		return out, errors.Join(errs...)
	}
}

// decodedOf returns a func that waits for decoded, the decoded bodies of candidates
// (decodeLater), and returns those of written, a subset of candidates in their order.
func decodedOf(decoded func() ([]catalog.Entity, error), candidates, written []change) func() ([]catalog.Entity, error) {
	return sync.OnceValues(func() ([]catalog.Entity, error) {
		all, err := decoded()
		if err != nil {
			return nil, err
		}
		if len(written) == len(candidates) {
			return all, nil
		}
		at := make(map[string]int, len(candidates))
		for i := range candidates {
			at[candidates[i].uid] = i
		}
		out := make([]catalog.Entity, len(written))
		for i := range written {
			out[i] = all[at[written[i].uid]]
		}
		return out, nil
	})
}

// snapshotEntities returns the written entities as CatalogSnapshot reads them, given their
// decoded bodies (decodeLater).
func snapshotEntities(cs []change, ents []catalog.Entity) []catalog.SnapshotEntity {
	out := make([]catalog.SnapshotEntity, len(cs))
	for i := range cs {
		c := &cs[i]
		out[i] = catalog.SnapshotEntity{Entity: ents[i], Ref: c.ref, Parent: strings.ToLower(c.p.Parent), Search: c.search, Originated: c.rels}
	}
	return out
}

// replaceLocation is ReplaceLocationEntities, filling log when it is not nil.
func (db *DB) replaceLocation(ctx context.Context, locationID string, entities []catalog.Processed, log *changeLog) (catalog.ApplyResult, error) {
	defer db.lockWrites()()
	conn, err := db.bulkConn(ctx)
	if err != nil {
		return catalog.ApplyResult{}, fmt.Errorf("replace entities of location %s: %w", locationID, err)
	}
	defer conn.Close()
	res, err := replaceInTx(ctx, conn, db.dialect, locationID, entities, log)
	if err != nil {
		return catalog.ApplyResult{}, fmt.Errorf("replace entities of location %s: %w", locationID, err)
	}
	if res.Added+res.Updated > 0 {
		db.deriveLater()
	}
	if n := res.Added + res.Updated + res.Removed; db.dialect.maintain != "" && n > 0 && n >= db.dialect.maintainAfter {
		db.maintainLater()
	}
	return res, nil
}

// bulkConn returns a connection set up for a bulk write (dialect.bulkWrite). Closing it
// undoes the setup; a connection whose setup cannot be undone is dropped from the pool.
func (db *DB) bulkConn(ctx context.Context) (*bulkConn, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("get connection: %w", err)
	}
	if db.dialect.bulkWrite != "" {
		if _, err := conn.ExecContext(ctx, db.dialect.bulkWrite); err != nil {
			conn.Close()
			return nil, fmt.Errorf("set up bulk write: %w", err)
		}
	}
	return &bulkConn{Conn: conn, reset: db.dialect.bulkWriteReset}, nil
}

// bulkConn is a connection set up for a bulk write.
type bulkConn struct {
	*sql.Conn
	reset string
}

// Close undoes the bulk setup and returns the connection to the pool, or discards it when
// the setup cannot be undone.
func (c *bulkConn) Close() error {
	if c.reset != "" {
		if _, err := c.ExecContext(context.Background(), c.reset); err != nil {
			c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	return c.Conn.Close()
}

// replaceInTx runs replaceEntities in one transaction on conn.
func replaceInTx(ctx context.Context, conn *bulkConn, d dialect, locationID string, entities []catalog.Processed, log *changeLog) (catalog.ApplyResult, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return catalog.ApplyResult{}, err
	}
	defer tx.Rollback()
	res, err := replaceEntities(ctx, tx, d, locationID, entities, log)
	if err != nil {
		return catalog.ApplyResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return catalog.ApplyResult{}, fmt.Errorf("commit: %w", err)
	}
	return res, nil
}

func replaceEntities(ctx context.Context, tx *sql.Tx, d dialect, locationID string, entities []catalog.Processed, log *changeLog) (catalog.ApplyResult, error) {
	var res catalog.ApplyResult
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM locations WHERE id = $1`, locationID).Scan(&one); err != nil {
		return res, translate("location", err)
	}
	if log != nil {
		v, err := catalogVersion(ctx, tx)
		if err != nil {
			return res, fmt.Errorf("catalog version before: %w", err)
		}
		log.before = v
	}
	existing, err := locationEntities(ctx, tx, locationID)
	if err != nil {
		return res, err
	}
	var inserts, updates []change
	seen := make(map[string]bool, len(entities))
	for i := range entities {
		p := &entities[i]
		ref := p.Entity.Ref().String()
		if p.Entity.Kind == "" || p.Entity.Metadata.Name == "" {
			return res, errkind.Errorf(catalog.ErrInvalid, "entity %d has no kind or name", i)
		}
		if seen[ref] {
			res.Conflicts = append(res.Conflicts, ref)
			continue
		}
		seen[ref] = true
		old, ok := existing[ref]
		if ok && old.hash == p.Hash && old.parent == p.Parent {
			res.Unchanged++
			continue
		}
		body, err := bodyOf(p)
		if err != nil {
			return res, fmt.Errorf("entity %s: %w", ref, err)
		}
		if ok {
			updates = append(updates, change{p: p, ref: ref, uid: old.uid, etag: newEtag(), generation: old.generation + 1, body: body})
		} else {
			inserts = append(inserts, change{p: p, ref: ref, uid: uuid.NewString(), etag: newEtag(), generation: 1, body: body})
		}
	}
	var gone []any
	for ref, old := range existing {
		if !seen[ref] {
			gone = append(gone, old.uid)
		}
	}
	// Dependent rows first: a bulk write may run without foreign keys (dialect.bulkWrite),
	// so without their cascade.
	for _, t := range [][2]string{{"search", "entity_uid"}, {"relations", "originating_uid"}, {"pending_rows", "entity_uid"}, {"entities", "uid"}} {
		if err := deleteUIDs(ctx, tx, d, t[0], t[1], gone); err != nil {
			return res, err
		}
	}
	res.Removed = len(gone)
	rows := rowsLater(slices.Concat(inserts, updates))
	defer rows() // on every path, so that no goroutine outlives the call
	var decoded func() ([]catalog.Entity, error)
	var candidates []change
	if log != nil {
		candidates = slices.Concat(inserts, updates)
		// Decoded while the entity rows go in; the ones another location's refs turn away
		// are dropped after (decodedOf).
		decoded = decodeLater(candidates)
		defer decoded() // on every path, so that no goroutine outlives the call
		for _, uid := range gone {
			log.removed = append(log.removed, uid.(string))
		}
		log.callEarly(rows, decoded)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	added, conflicts, err := insertEntities(ctx, tx, d, locationID, inserts, now)
	if err != nil {
		return res, err
	}
	res.Added, res.Conflicts = len(added), append(res.Conflicts, conflicts...)
	if err := updateEntities(ctx, tx, updates, now); err != nil {
		return res, err
	}
	res.Updated = len(updates)
	written := append(added, updates...)
	pending, err := rows().of(written)
	if err != nil {
		return res, err
	}
	if log != nil {
		log.written = written
		log.decoded = decodedOf(decoded, candidates, written)
		// The entity rows are final: the pending records change no version.
		v, err := catalogVersion(ctx, tx)
		if err != nil {
			return res, fmt.Errorf("catalog version after: %w", err)
		}
		log.after = v
	}
	// The search and relation rows are loaded after the commit (entities_pending.go).
	if err := writePending(ctx, tx, d, pending); err != nil {
		return res, err
	}
	return res, nil
}

// locationEntities returns the entities the location emitted before, by ref.
func locationEntities(ctx context.Context, tx *sql.Tx, locationID string) (map[string]stored, error) {
	out := map[string]stored{}
	err := eachRow(ctx, tx, `SELECT ref, uid, hash, parent_ref, generation FROM entities WHERE location_id = $1`, []any{locationID}, func(rows *sql.Rows) error {
		var ref string
		var s stored
		if err := rows.Scan(&ref, &s.uid, &s.hash, &s.parent, &s.generation); err != nil {
			return err
		}
		out[ref] = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read stored entities: %w", err)
	}
	return out, nil
}

// insertEntities inserts new entities, skipping refs that exist already (another location
// manages them). It returns the inserted ones and the skipped refs, in input order.
func insertEntities(ctx context.Context, tx *sql.Tx, d dialect, locationID string, cs []change, now time.Time) ([]change, []string, error) {
	inserted := map[string]bool{}
	for _, chunk := range chunks(cs, bulkChunk) {
		rows := make([][]any, len(chunk))
		for i := range chunk {
			c := &chunk[i]
			r := c.p.Entity.Ref()
			rows[i] = []any{c.uid, c.ref, strings.ToLower(r.Kind), strings.ToLower(r.Namespace), strings.ToLower(r.Name),
				locationID, strings.ToLower(c.p.Parent), c.body, c.p.Hash, c.etag}
		}
		if err := insertEntityRows(ctx, tx, d, rows, now, inserted); err != nil {
			return nil, nil, fmt.Errorf("insert entities: %w", err)
		}
	}
	var added []change
	var conflicts []string
	for _, c := range cs {
		if inserted[c.uid] {
			added = append(added, c)
		} else {
			conflicts = append(conflicts, c.ref)
		}
	}
	return added, conflicts, nil
}

// insertEntityRows inserts entity rows (uid, ref, kind, namespace, name, location_id,
// parent_ref, body, hash, etag) created at now, skipping refs that exist, and adds the uids
// inserted to inserted.
func insertEntityRows(ctx context.Context, tx *sql.Tx, d dialect, rows [][]any, now time.Time, inserted map[string]bool) error {
	const head = `entities (uid, ref, kind, namespace, name, location_id, parent_ref, body, hash,
			etag, generation, created_at, updated_at) `
	const tail = " ON CONFLICT (ref) DO NOTHING RETURNING uid"
	if d.bulkArrays {
		var b builder
		cols, from := unnestSource(&b, 10, rows)
		at := b.arg(now)
		b.WriteString("INSERT INTO " + head + "SELECT " + cols + ", 1, " + at + ", " + at + " FROM " + from + tail)
		return collectStrings(ctx, tx, &b, inserted)
	}
	withTimes := make([][]any, len(rows))
	for i, r := range rows {
		withTimes[i] = append(r[:len(r):len(r)], now, now)
	}
	return sqliteValues(ctx, tx, d.bulkInsert+head+"VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", tail, withTimes,
		func(stmt *sql.Stmt, args []any) error {
			rs, err := stmt.QueryContext(ctx, args...)
			if err != nil {
				return err
			}
			defer rs.Close()
			for rs.Next() {
				s, err := scanString(rs)
				if err != nil {
					return err
				}
				inserted[s] = true
			}
			return rs.Err()
		})
}

// updateEntities rewrites changed entities (their new etag and generation). Their search
// and relation rows are replaced when their pending rows are loaded (loadPending).
func updateEntities(ctx context.Context, tx *sql.Tx, cs []change, now time.Time) error {
	const q = `UPDATE entities SET body = $1, hash = $2, etag = $3, parent_ref = $4, generation = $5,
		updated_at = $6 WHERE uid = $7`
	for i := range cs {
		c := &cs[i]
		if _, err := tx.ExecContext(ctx, q, c.body, c.p.Hash, c.etag, strings.ToLower(c.p.Parent), c.generation, now, c.uid); err != nil {
			return fmt.Errorf("update entity %s: %w", c.ref, err)
		}
	}
	return nil
}

// searchRow is one search row of a write.
type searchRow struct {
	uid, key    string
	value, orig *string
	uidv        any // uid, boxed once per entity
}

// sortSearchRows returns the rows of parts in search_key_value_idx's order: key, value (NULL
// first), uid. Rows are placed by key first, of which there are few distinct ones, so that
// the comparison sort only orders each key's rows by value and uid; the keys' rows are
// sorted on all CPUs.
func sortSearchRows(parts ...[]searchRow) []searchRow {
	count := map[string]int{}
	n := 0
	for _, rows := range parts {
		for i := range rows {
			count[rows[i].key]++
		}
		n += len(rows)
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	start := make(map[string]int, len(keys))
	bounds := make([]int, 0, len(keys)+1)
	at := 0
	for _, k := range keys {
		start[k] = at
		bounds = append(bounds, at)
		at += count[k]
	}
	bounds = append(bounds, at)
	out := make([]searchRow, n)
	for _, rows := range parts {
		for i := range rows {
			k := rows[i].key
			out[start[k]] = rows[i]
			start[k]++
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(keys)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(keys); i = int(next.Add(1)) - 1 {
				slices.SortFunc(out[bounds[i]:bounds[i+1]], func(a, b searchRow) int {
					if c := cmpPtr(a.value, b.value); c != 0 {
						return c
					}
					return strings.Compare(a.uid, b.uid)
				})
			}
		})
	}
	wg.Wait()
	return out
}

// searchAndRelationRows returns the search and relation rows of cs (their search and rels)
// as the driver takes them, each table's rows in its index's order. The search rows of each
// half of cs are gathered on goroutines of their own.
func searchAndRelationRows(cs []change) (searchRows, relRows [][]any) {
	var wg sync.WaitGroup
	wg.Go(func() { relRows = relationRows(cs) })
	half := len(cs) / 2
	var first []searchRow
	wg.Go(func() { first = entitySearchRows(cs[:half]) })
	second := entitySearchRows(cs[half:])
	wg.Wait()
	// In index order (search_key_value_idx, relations_source_idx), a bulk load appends to
	// those B-trees instead of splitting pages all over them.
	search := sortSearchRows(first, second)
	// A bulk load has hundreds of thousands of rows: one backing array per table, each
	// entity's uid boxed once, and a string equal to the one in the row before (keys and
	// values, in key order) not boxed again. Values are strings or nil rather than *string,
	// which database/sql would convert one by one through reflection.
	var b cellBoxes
	cells := make([]any, 4*len(search))
	searchRows = make([][]any, len(search))
	for i, r := range search {
		row := cells[4*i : 4*i+4 : 4*i+4]
		row[0], row[1], row[2], row[3] = r.uidv, b.box(1, r.key), b.boxPtr(2, r.value), b.boxPtr(3, r.orig)
		searchRows[i] = row
	}
	return searchRows, relRows
}

// entitySearchRows returns the search rows of the entities of cs.
func entitySearchRows(cs []change) []searchRow {
	n := 0
	for i := range cs {
		n += len(cs[i].search)
	}
	search := make([]searchRow, 0, n)
	for i := range cs {
		c := &cs[i]
		uidv := any(c.uid)
		for _, r := range c.search {
			search = append(search, searchRow{c.uid, r.Key, r.Value, r.OriginalValue, uidv})
		}
	}
	return search
}

// relationRows returns the relation rows (originating uid, source, type, target) of the
// entities of cs as the driver takes them, in relations_source_idx's order.
func relationRows(cs []change) [][]any {
	n := 0
	for i := range cs {
		n += len(cs[i].rels)
	}
	rels := make([][4]string, 0, n)
	for i := range cs {
		c := &cs[i]
		for _, r := range c.rels {
			rels = append(rels, [4]string{c.uid, r.Source, r.Type, r.Target})
		}
	}
	slices.SortFunc(rels, func(a, b [4]string) int {
		for i := 1; i < 4; i++ {
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	var b cellBoxes
	cells := make([]any, 4*len(rels))
	out := make([][]any, len(rels))
	for i, r := range rels {
		row := cells[4*i : 4*i+4 : 4*i+4]
		row[0], row[1], row[2], row[3] = b.box(0, r[0]), b.box(1, r[1]), b.box(2, r[2]), b.box(3, r[3])
		out[i] = row
	}
	return out
}

// cellBoxes boxes the strings of driver rows, four columns, reusing a column's box when its
// string equals the one of the row before (rows in index order repeat keys and values).
type cellBoxes [4]any

// box returns s boxed for column col.
func (b *cellBoxes) box(col int, s string) any {
	if prev, ok := b[col].(string); !ok || prev != s {
		b[col] = s
	}
	return b[col]
}

// boxPtr is box for a nullable value: nil stays nil.
func (b *cellBoxes) boxPtr(col int, s *string) any {
	if s == nil {
		return nil
	}
	return b.box(col, *s)
}

// loadSearchAndRelations writes search rows and relation rows (searchAndRelationRows).
func loadSearchAndRelations(ctx context.Context, tx *sql.Tx, d dialect, searchRows, relRows [][]any) error {
	err := loadTable(ctx, tx, d, "search", len(searchRows), func() error {
		return insertRows(ctx, tx, d, "search (entity_uid, key, value, original_value)", searchRows, "")
	})
	if err != nil {
		return err
	}
	return loadTable(ctx, tx, d, "relations", len(relRows), func() error {
		return insertRows(ctx, tx, d, "relations (originating_uid, source_ref, type, target_ref)", relRows, "")
	})
}

// insertRows inserts rows into table (with its column list) in bulk: on PostgreSQL as
// set-based INSERT … SELECT from column arrays, on SQLite as large prepared VALUES lists.
// tail ends each statement (an ON CONFLICT clause, or "").
func insertRows(ctx context.Context, tx *sql.Tx, d dialect, table string, rows [][]any, tail string) error {
	if len(rows) == 0 {
		return nil
	}
	if !d.bulkArrays {
		err := sqliteValues(ctx, tx, d.bulkInsert+table+" VALUES ", anonTuple(len(rows[0])), tail, rows,
			func(stmt *sql.Stmt, args []any) error {
				_, err := stmt.ExecContext(ctx, args...)
				return err
			})
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		return nil
	}
	for _, chunk := range chunks(rows, bulkChunk) {
		var b builder
		cols, from := unnestSource(&b, len(rows[0]), chunk)
		b.WriteString("INSERT INTO " + table + " SELECT " + cols + " FROM " + from + tail)
		if _, err := tx.ExecContext(ctx, b.String(), b.args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// deleteUIDs deletes the rows of table whose column is one of uids.
func deleteUIDs(ctx context.Context, tx *sql.Tx, d dialect, table, column string, uids []any) error {
	for _, chunk := range chunks(uids, d.maxParams) {
		var b builder
		ph := make([]string, len(chunk))
		for i, u := range chunk {
			ph[i] = b.arg(u)
		}
		q := "DELETE FROM " + table + " WHERE " + column + " IN (" + strings.Join(ph, ", ") + ")"
		if _, err := tx.ExecContext(ctx, q, b.args...); err != nil {
			return fmt.Errorf("delete from %s: %w", table, err)
		}
	}
	return nil
}

// collectStrings runs b's query and adds the single string column of each row to set.
func collectStrings(ctx context.Context, tx *sql.Tx, b *builder, set map[string]bool) error {
	return eachRow(ctx, tx, b.String(), b.args, func(rows *sql.Rows) error {
		s, err := scanString(rows)
		if err == nil {
			set[s] = true
		}
		return err
	})
}

// DeleteEntity deletes an entity by uid with its search rows and the relation rows it
// produced, or returns ErrNotFound.
func (db *DB) DeleteEntity(ctx context.Context, uid string) error {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `DELETE FROM entities WHERE uid = $1`, uid)
	return deleted("delete entity "+uid, res, err)
}

// encodeBody is the stored JSON of e: everything but the store-assigned metadata, the
// relations (kept in their own table) and the status (computed on read).
func encodeBody(e catalog.Entity) (string, error) {
	e.Relations, e.Status = nil, nil
	e.Metadata.UID, e.Metadata.Etag, e.Metadata.Generation = "", "", 0
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("encode entity: %w", err)
	}
	return string(b), nil
}

// bodyOf is the stored JSON of p's entity (encodeBody): the body Process encoded, or the
// entity encoded now when p was made otherwise.
func bodyOf(p *catalog.Processed) (string, error) {
	if p.Body != "" {
		return p.Body, nil
	}
	return encodeBody(p.Entity)
}

// newEtag returns a fresh random etag.
func newEtag() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// cmpPtr orders nil before every string.
func cmpPtr(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return strings.Compare(*a, *b)
}

func deref(s *string) string {
	if s == nil {
		return "\x00nil"
	}
	return *s
}

func lowerPtr(s *string) *string {
	if s == nil {
		return nil
	}
	l := strings.ToLower(*s)
	if l == *s {
		return s // already lower case, as the catalog's search rows are
	}
	return &l
}
