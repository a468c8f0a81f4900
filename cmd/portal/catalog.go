package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

const catalogUsage = `Usage: portal catalog <command> [flags]

Commands:
  import PATH        register a file or directory of catalog-info.yaml files (or refresh it)
  get REF            print one entity (REF: kind:namespace/name, kind:name)
  list [--filter ..] list entities, filtered the Backstage way (kind=component,spec.type=service)

The commands work on the database directly (DATABASE_URL, or the SQLite file in
PORTAL_DATA_DIR), so they work with or without a running server.
Run 'portal catalog <command> --help' for its flags.
`

func runCatalog(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, catalogUsage)
		return nil
	}
	switch args[0] {
	case "import":
		return runCatalogImport(ctx, args[1:], env, stdin, stdout, stderr)
	case "get":
		return runCatalogGet(ctx, args[1:], env, stdin, stdout, stderr)
	case "list":
		return runCatalogList(ctx, args[1:], env, stdin, stdout, stderr)
	}
	return usageError("unknown catalog command %q", args[0])
}

// operatorContext is the context of a command run by the operator on the portal's machine:
// it acts as the portal itself, which may see and do everything.
func operatorContext(ctx context.Context) context.Context {
	return auth.NewContext(ctx, auth.System())
}

// catalogConfig is the default config of the catalog commands: their output is their
// result, so logs default to problems only.
func catalogConfig() Config {
	cfg := defaultConfig()
	cfg.LogLevel = "warn"
	return cfg
}

func runCatalogImport(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("catalog import", "catalog import [flags] PATH", stderr, env, commandSettings["catalog"]...)
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "catalog import", 1, "PATH")); err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.catalog
	path, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("import %s: %w", fs.Arg(0), err)
	}
	start := time.Now()
	stopProgress := showProgress(stderr, "importing "+path)
	added, applied, err := svc.Import(ctx, path)
	stopProgress()
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "location %s (%s): %d entities read; %d added, %d updated, %d unchanged, %d removed in %s (%.0f entities/s)\n",
		added.Location.ID, added.Location.Target, len(added.Entities), applied.Added, applied.Updated, applied.Unchanged, applied.Removed,
		elapsed.Round(time.Millisecond), float64(len(added.Entities))/elapsed.Seconds())
	for _, c := range applied.Conflicts {
		fmt.Fprintf(stdout, "skipped %s: managed by another location\n", c)
	}
	return nil
}

func runCatalogGet(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("catalog get", "catalog get [flags] REF", stderr, env, commandSettings["catalog"]...)
	output := fs.String("output", "yaml", "output format: yaml or json")
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "catalog get", 1, "REF")); err != nil {
		return err
	}
	ref, err := catalog.ParseRef(fs.Arg(0), "component", catalog.DefaultNamespace)
	if err != nil {
		return usageError("%v", err)
	}
	a, err := newApp(ctx, &cfg, stderr, currentSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	e, err := a.catalog.EntityByRef(ctx, ref)
	if err != nil {
		return fmt.Errorf("get %s: %w", ref, err)
	}
	return writeEntities(stdout, *output, e)
}

func runCatalogList(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("catalog list", "catalog list [flags]", stderr, env, commandSettings["catalog"]...)
	var filters listValue
	fs.Func("filter", "Backstage filter, e.g. kind=component,spec.type=service (repeat for OR)", func(v string) error {
		filters = append(filters, v)
		return nil
	})
	limit := fs.Int("limit", 100, "most entities to print")
	offset := fs.Int("offset", 0, "entities to skip")
	output := fs.String("output", "table", "output format: table, json or yaml")
	var filter catalog.Filter
	err := parseCommand(&cfg, fs, envErr, args, func() (err error) {
		if *limit < 0 || *offset < 0 {
			return usageError("--limit and --offset must not be negative")
		}
		if filter, err = catalog.ParseFilterParams(filters); err != nil {
			return usageError("%v", err)
		}
		return nArgs(fs, "catalog list", 0, "")()
	})
	if err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, currentSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	page, err := a.catalog.Query(ctx, catalog.Query{Filter: filter, Limit: *limit, Offset: *offset,
		OrderBy: []catalog.Order{{Field: "kind"}, {Field: "metadata.name"}}})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	if *output != "table" {
		return writeEntities(stdout, *output, page.Entities...)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tTYPE\tOWNER\tLIFECYCLE")
	for _, e := range page.Entities {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Ref(), specString(e, "type"), specString(e, "owner"), specString(e, "lifecycle"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d of %d entities\n", len(page.Entities), page.Total)
	return nil
}

func specString(e catalog.Entity, key string) string {
	if s, ok := e.Spec[key].(string); ok {
		return s
	}
	return "-"
}

func writeEntities(w io.Writer, format string, es ...catalog.Entity) error {
	switch strings.ToLower(format) {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if len(es) == 1 {
			return enc.Encode(es[0])
		}
		return enc.Encode(es)
	case "yaml":
		for i, e := range es {
			// Round-trip through JSON so YAML keys match the API's (apiVersion, not apiversion).
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			if i > 0 {
				io.WriteString(w, "---\n")
			}
			enc := yaml.NewEncoder(w)
			enc.SetIndent(2)
			if err := enc.Encode(m); err != nil {
				return err
			}
			enc.Close()
		}
		return nil
	}
	return usageError("unknown output format %q (want yaml, json or table)", format)
}
