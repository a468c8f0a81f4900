package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/indexer"
)

const evalUsage = `Usage: portal eval <command> [flags]

Commands:
  retrieval --beir DIR   index a BEIR dataset and score lexical, vector and hybrid search
  assistant --set FILE   ask a question set of the assistant and score its answers
  nab --data DIR         run the anomaly detectors over NAB and score them NAB's way
  forecast               backtest the cost forecasts on the demo history and a FOCUS file

Run 'portal eval <command> --help' for its flags.
`

const evalRetrievalUsage = `Usage: portal eval retrieval --beir DIR [--name NAME] [--mode lexical|vector|hybrid|all] [--json]

Indexes the corpus of a BEIR-format dataset (DIR/corpus.jsonl, DIR/queries.jsonl and
DIR/qrels/test.tsv), runs every judged query in each mode, and prints nDCG@10, Recall@100 and
MRR@10 per mode as a table, or as JSON with --json, followed by a bm25 row: plain BM25
(k1 1.2, b 0.75, Porter2 stems) over the whole documents, computed independently of the
portal, the keyword search its modes should at least match. Progress goes to stderr, results to
stdout. Vectors come from the local embedder, or from OPENAI_BASE_URL when it is set.

The index is built in a fresh temporary directory, in SQLite, and removed afterwards. With
--database-url (or DATABASE_URL) the documents go into that PostgreSQL database instead, so
vector search runs on pgvector; they stay there under the source beir:NAME, replacing those
of an earlier run with the same name. Use a scratch database: only the corpus's documents
are searched, but the search index is rebuilt from everything the database holds.

Flags:
`

func runEval(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, evalUsage)
		return nil
	}
	switch args[0] {
	case "retrieval":
		return runEvalRetrieval(ctx, args[1:], env, stdin, stdout, stderr)
	case "assistant":
		return runEvalAssistant(ctx, args[1:], env, stdin, stdout, stderr)
	case "nab":
		return runEvalNAB(ctx, args[1:], env, stdin, stdout, stderr)
	case "forecast":
		return runEvalForecast(ctx, args[1:], env, stdin, stdout, stderr)
	}
	return usageError("unknown eval command %q", args[0])
}

// evalRetrievalFlags are the settings of eval retrieval beyond Config.
type evalRetrievalFlags struct {
	beir, name, mode string
	json             bool
}

func runEvalRetrieval(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	cfg.LogLevel = "warn"
	flags, envErr := cfg.newFlagSet("eval retrieval", "", stderr, env, commandSettings["eval retrieval"]...)
	var f evalRetrievalFlags
	flags.StringVar(&f.beir, "beir", "", "BEIR dataset folder: corpus.jsonl, queries.jsonl, qrels/test.tsv (required)")
	flags.StringVar(&f.name, "name", "", "corpus name in document IDs, lowercased (default: the folder's name)")
	flags.StringVar(&f.mode, "mode", "all", "search mode to score: lexical, vector, hybrid or all")
	flags.BoolVar(&f.json, "json", false, "print the report as JSON")
	flags.Usage = func() {
		io.WriteString(stderr, evalRetrievalUsage)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return parseError(err)
	}
	modes, err := evalModes(f, flags)
	if err != nil {
		return err
	}
	if err := errors.Join(envErr, cfg.validate()); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	ds, err := evals.LoadBEIR(f.beir)
	if err != nil {
		return err
	}
	corpus := filepath.Join(f.beir, "corpus.jsonl")
	if _, err := os.Stat(corpus); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("eval retrieval: %s does not exist", corpus)
	}
	if f.name == "" {
		f.name = ds.Name
	}
	// Filter values and sources compare lowercased, and a corpus name holds no colon.
	f.name = strings.ReplaceAll(strings.ToLower(f.name), ":", "-")

	tmp, err := os.MkdirTemp("", "portal-eval-*")
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	defer os.RemoveAll(tmp)
	cfg.DataDir = tmp
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	defer a.Close()
	svc, err := a.searchIndex(ctx, false)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}

	src := indexer.NewBEIRSource(f.name, f.beir)
	prog := newIndexProgress(stderr)
	res, err := svc.Index(ctx, []indexer.Source{src}, prog.report)
	prog.done()
	if err != nil {
		return fmt.Errorf("eval retrieval: index %s: %w", f.beir, err)
	}
	fmt.Fprintf(stderr, "indexed %d documents, %d chunks, model %s\n", res.Documents, res.Chunks, res.Model)
	count := newCounter(stderr)
	search := countSearches(evals.ServiceSearcher(svc, indexer.Filters{indexer.FieldSource: {src.Name()}}), count, len(ds.Queries))
	rep, err := evals.Evaluate(ctx, ds, search, modes, func(id string) string { return indexer.BEIRDocID(f.name, id) })
	count.end()
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	if err := addReference(ctx, &rep, ds, f); err != nil {
		return err
	}
	if f.json {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteTable(stdout)
}

// evalModes checks the flags and returns the modes to score.
func evalModes(f evalRetrievalFlags, fs *flag.FlagSet) ([]indexer.Mode, error) {
	if fs.NArg() > 0 {
		return nil, usageError("eval retrieval takes no arguments, got %q", fs.Arg(0))
	}
	if f.beir == "" {
		return nil, usageError("eval retrieval needs --beir DIR")
	}
	if f.mode == "all" {
		return []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid}, nil
	}
	if m, ok := indexer.ParseMode(f.mode); ok && f.mode != "" {
		return []indexer.Mode{m}, nil
	}
	return nil, usageError("--mode %q: want lexical, vector, hybrid or all", f.mode)
}

// countSearches wraps search to show, on prog, how many queries of each mode have run.
func countSearches(search evals.Searcher, prog *counter, total int) evals.Searcher {
	done := map[indexer.Mode]int{}
	return func(ctx context.Context, query string, mode indexer.Mode, k int) ([]string, error) {
		ids, err := search(ctx, query, mode, k)
		done[mode]++
		prog.set("search "+string(mode), "queries", done[mode], total)
		return ids, err
	}
}

// addReference scores plain BM25 over the whole documents of the corpus (evals.BM25) and
// adds it to rep as the bm25 row, the yardstick of the portal's modes.
func addReference(ctx context.Context, rep *evals.Report, ds *evals.Dataset, f evalRetrievalFlags) error {
	docs, err := evals.LoadBEIRCorpus(f.beir)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	toID := func(id string) string { return indexer.BEIRDocID(f.name, id) }
	ref, err := evals.Evaluate(ctx, ds, evals.NewBM25(docs).Searcher(toID), []indexer.Mode{evals.ModeBM25}, toID)
	if err != nil {
		return fmt.Errorf("eval retrieval: reference bm25: %w", err)
	}
	rep.Modes = append(rep.Modes, ref.Modes...)
	return nil
}
