package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/scaffolder"
)

const templateUsage = `Usage: portal template <command> [flags]

Commands:
  list                               list the software templates in the catalog
  run NAME --values FILE [--dry-run] run a template (NAME: template:namespace/name or name)
                                     with the values in FILE (YAML or JSON); --dry-run
                                     writes nothing and prints the files it would write

The commands work on the database directly and act as the operator.
Run 'portal template <command> --help' for its flags.
`

func runTemplate(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, templateUsage)
		return nil
	}
	switch args[0] {
	case "list":
		return runTemplateList(ctx, args[1:], env, stdout, stderr)
	case "run":
		return runTemplateRun(ctx, args[1:], env, stdout, stderr)
	}
	return usageError("unknown template command %q", args[0])
}

func runTemplateList(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("template list", "template list [flags]", stderr, env, commandSettings["template"]...)
	if err := parseCommand(&cfg, fs, envErr, args, nArgs(fs, "template list", 0, "")); err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, currentSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	svc, err := a.scaffolder()
	if err != nil {
		return err
	}
	templates, err := svc.Templates(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tTITLE\tTYPE\tOWNER")
	for _, t := range templates {
		typ, _ := t.Spec["type"].(string)
		owner, _ := t.Spec["owner"].(string)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Ref(), oneLineText(t.Metadata.Title), typ, owner)
	}
	return tw.Flush()
}

// maxValuesFile bounds a --values file.
const maxValuesFile = 1 << 20

func runTemplateRun(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("template run", "template run [flags] NAME", stderr, env, commandSettings["template"]...)
	valuesFile := fs.String("values", "", "YAML or JSON file of the template's values")
	dryRun := fs.Bool("dry-run", false, "run in a scratch workspace, print the would-be files and log, write nothing")
	name, args := leadingArg(args)
	check := func() error {
		if err := oneArg(fs, "template run", "NAME", &name)(); err != nil {
			return err
		}
		if *valuesFile == "" {
			return usageError("template run: --values FILE is required")
		}
		return nil
	}
	if err := parseCommand(&cfg, fs, envErr, args, check); err != nil {
		return err
	}
	values, err := readValues(*valuesFile)
	if err != nil {
		return err
	}
	mode := upgradeSchema
	if *dryRun {
		mode = currentSchema
	}
	a, err := newApp(ctx, &cfg, stderr, mode)
	if err != nil {
		return err
	}
	defer a.Close()
	svc, err := a.scaffolder()
	if err != nil {
		return err
	}
	ref := name
	if *dryRun {
		return templateDryRun(ctx, svc, ref, values, stdout)
	}
	id, err := svc.Create(ctx, ref, values, nil)
	if err != nil {
		return valuesErrorLine(err)
	}
	fmt.Fprintf(stdout, "task %s\n", id)
	for range svc.Workers() {
		a.goLoop(svc.Work)
	}
	return followTask(ctx, svc, id, stdout)
}

// readValues reads a values file: a YAML (or JSON) mapping.
func readValues(path string) (map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("values file: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxValuesFile+1))
	if err != nil {
		return nil, fmt.Errorf("values file %s: %w", path, err)
	}
	if len(raw) > maxValuesFile {
		return nil, fmt.Errorf("values file %s: larger than %d bytes", path, maxValuesFile)
	}
	var values map[string]any
	if err := yaml.Unmarshal(raw, &values); err != nil {
		return nil, fmt.Errorf("values file %s: not a YAML or JSON mapping", path)
	}
	return values, nil
}

// valuesErrorLine turns invalid values into one line naming each failing field.
func valuesErrorLine(err error) error {
	var verr *scaffolder.ValuesError
	if errors.As(err, &verr) {
		msgs := make([]string, len(verr.Errors))
		for i, fe := range verr.Errors {
			msgs[i] = fe.Stack
		}
		return fmt.Errorf("invalid values: %s", strings.Join(msgs, "; "))
	}
	return err
}

// followTask prints the task's log as it runs and returns an error unless it completes.
func followTask(ctx context.Context, svc *scaffolder.Service, id string, stdout io.Writer) error {
	wake, stop := svc.Subscribe(id)
	defer stop()
	var after int64
	for {
		events, err := svc.Events(ctx, id, after)
		if err != nil {
			return err
		}
		for _, e := range events {
			after = e.ID
			msg, _ := e.Body["message"].(string)
			fmt.Fprintf(stdout, "%s  %s\n", e.CreatedAt.Format("15:04:05"), oneLineText(msg))
			switch e.Type {
			case scaffolder.EventCompletion:
				if e.Body["status"] != string(scaffolder.StatusCompleted) {
					errBody, _ := e.Body["error"].(map[string]any)
					return fmt.Errorf("task %s failed: %v", id, errBody["message"])
				}
				printOutput(stdout, e.Body["output"])
				return nil
			case scaffolder.EventCancelled:
				return fmt.Errorf("task %s was cancelled", id)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

func printOutput(w io.Writer, out any) {
	m, _ := out.(map[string]any)
	links, _ := m["links"].([]any)
	for _, l := range links {
		lm, _ := l.(map[string]any)
		target := lm["url"]
		if target == nil {
			target = lm["entityRef"]
		}
		fmt.Fprintf(w, "link: %v %v\n", lm["title"], target)
	}
}

func templateDryRun(ctx context.Context, svc *scaffolder.Service, ref string, values map[string]any, stdout io.Writer) error {
	res, err := svc.DryRun(ctx, scaffolder.DryRunRequest{TemplateRef: ref, Values: values})
	if err != nil {
		return valuesErrorLine(err)
	}
	for _, l := range res.Log {
		msg, _ := l.Body["message"].(string)
		fmt.Fprintf(stdout, "log   %s\n", oneLineText(msg))
	}
	sort.Slice(res.DirectoryContents, func(i, j int) bool { return res.DirectoryContents[i].Path < res.DirectoryContents[j].Path })
	for _, f := range res.DirectoryContents {
		fmt.Fprintf(stdout, "file  %s\n", f.Path)
	}
	printOutput(stdout, res.Output)
	if res.Status != string(scaffolder.StatusCompleted) {
		return fmt.Errorf("dry run failed: %s", res.Error)
	}
	fmt.Fprintf(stdout, "dry run completed: %d files\n", len(res.DirectoryContents))
	return nil
}

// oneLineText folds whitespace so a message prints on one line.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
