package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"time"

	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

const indexUsage = `Usage: portal index [flags]        index what changed: catalog entities, TechDocs, docs folders
       portal index --beir DIR [--name NAME]   index a BEIR-format corpus (corpus.jsonl)
       portal index stats [--json]     print what the index holds

Indexing is incremental: unchanged documents cost nothing, deleted ones disappear, and a run
that is interrupted (even killed) is completed by the next. It writes to the database; a
running server picks the changes up within seconds. Run 'portal index --help' for flags.
`

func runIndex(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		io.WriteString(stdout, indexUsage)
		return nil
	}
	if len(args) > 0 && args[0] == "stats" {
		return runIndexStats(ctx, args[1:], env, stdout, stderr)
	}
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("index", "index [flags]", stderr, env, commandSettings["index"]...)
	beir := fs.String("beir", "", "index the BEIR corpus in this directory (corpus.jsonl) instead of the catalog and docs")
	name := fs.String("name", "", "name of the BEIR corpus in document ids (default: the directory's name)")
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "index", 0, "")); err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	ix, err := a.searchIndex(ctx, true)
	if err != nil {
		return err
	}

	var sources []indexer.Source
	if *beir != "" {
		dir, err := filepath.Abs(*beir)
		if err != nil {
			return fmt.Errorf("beir corpus %s: %w", *beir, err)
		}
		if *name == "" {
			*name = filepath.Base(dir)
		}
		sources = []indexer.Source{indexer.NewBEIRSource(*name, dir)}
	} else {
		sources = append(searchSources(&cfg, a.catalog, cfg.FileLocationRoots), incidentSource(a.catalog, a.incidentService()))
	}
	start := time.Now()
	p := newIndexProgress(stderr)
	res, err := ix.Index(ctx, sources, p.report)
	p.done()
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	elapsed := time.Since(start)
	if ix.WriteOnly() {
		fmt.Fprintln(stderr, "a running portal holds the search index: it applies these changes within seconds")
	}
	_, err = fmt.Fprintf(stdout, "%d documents: %d changed, %d deleted, %d unchanged; %d chunks, %d embedded with %s in %s\n",
		res.Documents, res.Changed, res.Deleted, res.Unchanged, res.Chunks, res.Embedded, res.Model, elapsed.Round(time.Millisecond))
	return err
}

// indexStats is what `portal index stats` prints. Digest summarises every live document,
// chunk and vector, so two indexes of the same content have the same digest.
type indexStats struct {
	Documents  int    `json:"documents"`
	Chunks     int    `json:"chunks"`
	Vectors    int    `json:"vectors"`
	LexicalDoc uint64 `json:"lexicalDocs"`
	Model      string `json:"model"`
	Digest     string `json:"digest"`
}

func runIndexStats(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("index stats", "index stats [flags]", stderr, env, commandSettings["index"]...)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "index stats", 0, "")); err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, currentSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	ix, err := a.searchIndex(ctx, false)
	if err != nil {
		return err
	}
	st, err := ix.Stats(ctx)
	if err != nil {
		return fmt.Errorf("index stats: %w", err)
	}
	digest, err := indexDigest(ctx, a.db)
	if err != nil {
		return err
	}
	out := indexStats{Documents: st.Documents, Chunks: st.Chunks, Vectors: st.Vectors, LexicalDoc: uint64(st.LexicalChunks),
		Model: st.Model, Digest: digest}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	_, err = fmt.Fprintf(stdout, "documents %d\nchunks %d\nvectors %d (model %s)\nlexical index documents %d\ndigest %s\n",
		out.Documents, out.Chunks, out.Vectors, out.Model, out.LexicalDoc, out.Digest)
	return err
}

// indexDigest hashes every live document (id and content hash) and its chunks (id, text
// hash, model and vector) in id order, independent of when each was written.
func indexDigest(ctx context.Context, db *store.DB) (string, error) {
	live, err := liveDocuments(ctx, db)
	if err != nil {
		return "", err
	}
	ids := make([]string, 0, len(live))
	for id := range live {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	h := sha256.New()
	var buf [4]byte
	for _, id := range ids {
		c := live[id]
		fmt.Fprintf(h, "%s\x00%s\x00", id, c.Document.Hash)
		for _, ch := range c.Chunks {
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00", ch.ID, ch.Hash, ch.Model)
			for _, x := range ch.Vector {
				binary.LittleEndian.PutUint32(buf[:], math.Float32bits(x))
				h.Write(buf[:])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// liveDocuments reads the whole change feed and returns the last state of every document
// that is not deleted, with its chunks and vectors.
func liveDocuments(ctx context.Context, db *store.DB) (map[string]indexer.Change, error) {
	live := map[string]indexer.Change{}
	var after int64
	for {
		cs, err := db.Changes(ctx, after, 1000)
		if err != nil {
			return nil, fmt.Errorf("read index changes: %w", err)
		}
		if len(cs) == 0 {
			return live, nil
		}
		for _, c := range cs {
			if c.Deleted {
				delete(live, c.DocID)
			} else {
				live[c.DocID] = c
			}
			after = c.Seq
		}
	}
}
