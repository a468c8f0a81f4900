package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store"
)

const evalAssistantUsage = `Usage: portal eval assistant --set FILE.jsonl [--demo] [--catalog FILE]... [--docs DIR]... [--json]

Builds a fresh portal in a temporary SQLite database: the demo organisation (--demo), the
catalog files given with --catalog (Locations are followed) and the docs folders given with
--docs, all indexed. Then it asks every question of the set as the asker it names and prints
answer accuracy, citation precision, abstention precision and recall, the how-to top-3
citation hit rate beside plain BM25's top-3 pages, leaks and the score per question type.
The local composer answers, or with OPENAI_BASE_URL and PORTAL_CHAT_MODEL set the chat
model (the local composer stands in when it fails); the report names the composer.

Flags:
`

func runEvalAssistant(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	cfg.LogLevel = "warn"
	flags, envErr := cfg.newFlagSet("eval assistant", "", stderr, env, commandSettings["eval assistant"]...)
	var (
		setPath  string
		withDemo bool
		asJSON   bool
		catalogs listFlag
		docs     listFlag
	)
	flags.StringVar(&setPath, "set", "", "the question set, JSON lines (required)")
	flags.BoolVar(&withDemo, "demo", false, "load the demo organisation")
	flags.Var(&catalogs, "catalog", "a catalog file to register (repeatable)")
	flags.Var(&docs, "docs", "a docs folder to index (repeatable)")
	flags.BoolVar(&asJSON, "json", false, "print the report as JSON")
	flags.Usage = func() {
		io.WriteString(stderr, evalAssistantUsage)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return parseError(err)
	}
	switch {
	case flags.NArg() > 0:
		return usageError("eval assistant takes no arguments, got %q", flags.Arg(0))
	case setPath == "":
		return usageError("eval assistant needs --set FILE")
	case !withDemo && len(catalogs) == 0:
		return usageError("eval assistant needs --demo or --catalog FILE")
	}
	if err := errors.Join(envErr, cfg.validate()); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	set, err := evals.LoadAssistantSet(setPath)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "portal-eval-assistant-*")
	if err != nil {
		return fmt.Errorf("eval assistant: %w", err)
	}
	defer os.RemoveAll(tmp)
	logger := cfg.logger(stderr)
	composer, err := assistantComposer(&cfg, logger)
	if err != nil {
		return err
	}
	env2, err := buildEvalPortal(ctx, tmp, withDemo, catalogs, docs, composer, logger)
	if err != nil {
		return fmt.Errorf("eval assistant: %w", err)
	}
	defer env2.close()
	fmt.Fprintf(stderr, "asking %d questions of the %s composer\n", len(set.Questions), composer.Name())
	rep, err := evals.EvaluateAssistant(ctx, set, env2.ask, env2.bm25, env2.supports)
	if err != nil {
		return fmt.Errorf("eval assistant: %w", err)
	}
	if asJSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteTable(stdout)
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// evalPortal is a portal built for an eval: catalog, search index and assistant.
type evalPortal struct {
	db  *store.DB
	cat *catalog.Service
	ix  *indexer.Service
	svc *assistant.Service
}

// buildEvalPortal imports and indexes the org into a SQLite database under dir.
func buildEvalPortal(ctx context.Context, dir string, withDemo bool, catalogs, docs []string, composer assistant.Composer, logger *slog.Logger) (*evalPortal, error) {
	ctx = operatorContext(ctx)
	var locations, roots []string
	if withDemo {
		root, err := demo.Extract(filepath.Join(dir, "demo"))
		if err != nil {
			return nil, err
		}
		locations = append(locations, root)
		roots = append(roots, filepath.Dir(root))
	}
	for _, c := range catalogs {
		abs, err := filepath.Abs(c)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", c, err)
		}
		locations = append(locations, abs)
		roots = append(roots, filepath.Dir(abs))
	}
	db, err := store.Open(ctx, store.Options{DataDir: dir, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	cat := catalog.NewService(db, roots)
	p := &evalPortal{db: db, cat: cat}
	for _, loc := range locations {
		if _, _, err := cat.Import(ctx, loc); err != nil {
			p.close()
			return nil, fmt.Errorf("import %s: %w", loc, err)
		}
	}
	p.ix, err = indexer.Open(ctx, indexer.Options{Store: db, Vectors: db.VectorIndex(), BleveDir: filepath.Join(dir, "bleve"), Logger: logger})
	if err != nil {
		p.close()
		return nil, fmt.Errorf("open search index: %w", err)
	}
	srcs := []indexer.Source{indexer.NewCatalogSource(cat), indexer.NewTechDocsSource(cat, roots)}
	for _, d := range docs {
		srcs = append(srcs, indexer.NewDirSource(filepath.Base(d), d))
	}
	if _, err := p.ix.Index(ctx, srcs, nil); err != nil {
		p.close()
		return nil, fmt.Errorf("index: %w", err)
	}
	p.svc, err = assistant.New(assistant.Deps{Catalog: cat, Search: p.ix, Store: db, Composer: composer, Logger: logger})
	if err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *evalPortal) close() {
	if p.ix != nil {
		p.ix.Close()
	}
	p.db.Close()
}

// ask is the evals.Asker of the portal.
func (p *evalPortal) ask(ctx context.Context, as, conv, q string) (assistant.Answer, error) {
	who, ok := evals.AssistantPrincipal(as)
	if !ok {
		return assistant.Answer{}, fmt.Errorf("unknown asker %q", as)
	}
	return p.svc.Ask(auth.NewContext(ctx, who), assistant.Question{Message: q, ConversationID: conv}, nil)
}

// bm25 is the reference: the top k distinct doc pages of a plain lexical search, as an admin.
func (p *evalPortal) bm25(ctx context.Context, text string, k int) ([]string, error) {
	ctx = operatorContext(ctx)
	res, err := p.ix.Search(ctx, indexer.Query{Text: text, Mode: indexer.ModeLexical, Limit: 20,
		Filters: indexer.Filters{}})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range res.Results {
		if r.Kind == indexer.KindDoc && len(out) < k {
			out = append(out, r.DocID)
		}
	}
	return out, nil
}

// supports judges a citation beyond the expected sources, as an admin: an entity related
// to one of the question's expected entities or its subject, or a doc page of one of them
// or holding an expected phrase.
func (p *evalPortal) supports(ctx context.Context, q evals.AssistantQuestion, c assistant.Citation) (bool, error) {
	ctx = operatorContext(ctx)
	want := map[string]bool{}
	for _, r := range append(append([]string{}, q.Entities...), q.Support...) {
		want[strings.ToLower(r)] = true
	}
	if rest, ok := strings.CutPrefix(c.Ref, "doc:"); ok {
		if i := strings.LastIndex(rest, ":"); i > 0 && want[strings.ToLower(rest[:i])] {
			return true, nil
		}
		d, err := p.ix.Document(ctx, c.Ref)
		if errors.Is(err, indexer.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		text := strings.ToLower(d.Text)
		for _, ph := range q.Phrases {
			for _, alt := range strings.Split(ph, "|") {
				if alt = strings.ToLower(strings.TrimSpace(alt)); alt != "" && strings.Contains(text, alt) {
					return true, nil
				}
			}
		}
		return false, nil
	}
	r, err := catalog.ParseRef(c.Ref, "", catalog.DefaultNamespace)
	if err != nil {
		return false, nil
	}
	e, err := p.cat.EntityByRef(ctx, r)
	if errors.Is(err, catalog.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, rel := range e.Relations {
		if want[strings.ToLower(rel.TargetRef)] {
			return true, nil
		}
	}
	return false, nil
}
