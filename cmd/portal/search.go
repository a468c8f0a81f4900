package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nextportal/portal/indexer"
)

func runSearch(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("search", "search [flags] QUERY...\n\nSearch the index as the operator (who sees everything). The server holds the index open\nwhile it runs: then use GET /api/v1/search instead", stderr, env, commandSettings["search"]...)
	mode := fs.String("mode", "hybrid", "lexical, vector or hybrid")
	limit := fs.Int("limit", 10, "results to print (1-100)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	var filters listValue
	fs.Func("filter", "FIELD:VALUE filter, repeatable (fields: "+strings.Join(indexer.FilterFields, ", ")+")", func(v string) error {
		filters = append(filters, v)
		return nil
	})
	var q indexer.Query
	err := parseCommand(&cfg, fs, envErr, args, func() error {
		if fs.NArg() == 0 {
			return usageError("search needs a QUERY")
		}
		m, ok := indexer.ParseMode(*mode)
		if !ok {
			return usageError("mode %q: want lexical, vector or hybrid", *mode)
		}
		q = indexer.Query{Text: strings.Join(fs.Args(), " "), Mode: m, Limit: *limit, Filters: indexer.Filters{}}
		for _, f := range filters {
			field, value, ok := strings.Cut(f, ":")
			if !ok {
				return usageError("filter %q: want FIELD:VALUE", f)
			}
			q.Filters[field] = append(q.Filters[field], value)
		}
		return nil
	})
	if err != nil {
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
	res, err := ix.Search(ctx, q)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSCORE\tTITLE\tURL")
	for i, r := range res.Results {
		fmt.Fprintf(tw, "%d\t%.3f\t%s\t%s\n", i+1, r.Score, r.Title, r.URL)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.DidYouMean != "" {
		fmt.Fprintf(stdout, "did you mean: %s\n", res.DidYouMean)
	}
	fmt.Fprintf(stderr, "%d of %d results\n", len(res.Results), res.Total)
	return nil
}
