package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errUsage marks errors caused by how the command was called; they exit with status 2.
var errUsage = errors.New("usage")

// usageError formats a usage problem; the message is printed on one line.
func usageError(format string, a ...any) error {
	return fmt.Errorf("%s (see 'portal help'): %w", fmt.Sprintf(format, a...), errUsage)
}

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// command is one subcommand of portal.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the portal server (HTTP API and web UI)", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"catalog", "import, get and list catalog entities (catalog help for more)", runCatalog},
		{"index", "index catalog entities and docs for search; index stats shows what it holds", runIndex},
		{"reindex", "rebuild the search indexes from the database", runReindex},
		{"search", "search the index from the command line", runSearch},
		{"ask", "ask the assistant a question; answers with numbered sources", runAsk},
		{"user", "add, list, disable and enable local users (user help for more)", runUser},
		{"token", "create, list and revoke API tokens (token help for more)", runToken},
		{"template", "list software templates and run one (template help for more)", runTemplate},
		{"eval", "score search quality on a BEIR dataset (eval help for more)", runEval},
		{"metrics", "import a timestamp,value CSV into a metric series (metrics help for more)", runMetrics},
		{"incidents", "list, show and import incidents (incidents help for more)", runIncidents},
		{"costs", "import FOCUS cost files and reallocate costs (costs help for more)", runCosts},
		{"healthcheck", "exit 0 when the server at --addr answers /healthz (for containers)", runHealthcheck},
		{"version", "print the version", runVersion},
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run is the whole program: it parses args, runs one subcommand and returns its error.
// Tests call it directly.
func run(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], env, stdin, stdout, stderr)
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	return usageError("unknown command %q", args[0])
}

func printUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("NEXT Portal: an AI-centred, Backstage-compatible developer portal.\n\n")
	b.WriteString("Usage: portal <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-12s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'portal <command> --help' for a command's flags. Every flag also reads an\n")
	b.WriteString("environment variable (shown in its help); flags win over the environment.\n")
	io.WriteString(w, b.String())
}

func runVersion(_ context.Context, _ []string, _ func(string) string, _ io.Reader, stdout, _ io.Writer) error {
	_, err := fmt.Fprintln(stdout, "portal", version)
	return err
}
