package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/catalog"
)

const incidentsUsage = `Usage: portal incidents <command> [flags]

Commands:
  list [--status S] [--severity S] [--entity REF] [--limit N] [--json]   list incidents, newest first
  show ID [--json]                                                       one incident with its timeline and similar ones
  import DIR                                                             import postmortem markdown files as past incidents
`

func runIncidents(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, incidentsUsage)
		return nil
	}
	switch args[0] {
	case "list":
		return runIncidentsList(ctx, args[1:], env, stdout, stderr)
	case "show":
		return runIncidentsShow(ctx, args[1:], env, stdout, stderr)
	case "import":
		return runIncidentsImport(ctx, args[1:], env, stdout, stderr)
	}
	return usageError("unknown incidents command %q", args[0])
}

func runIncidentsList(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("incidents list", "incidents list [flags]", stderr, env, commandSettings["incidents list"]...)
	status := fs.String("status", "", "only incidents with this status: open, acknowledged or resolved")
	severity := fs.String("severity", "", "only incidents this severe or worse: critical, high, warning or info")
	entity := fs.String("entity", "", "only incidents of this entity (ref, kind component by default)")
	limit := fs.Int("limit", 50, "at most this many incidents (1 to 1000)")
	asJSON := fs.Bool("json", false, "print the incidents as JSON")
	var q incident.Query
	err := parseCommand(&cfg, fs, envErr, args, func() error {
		if err := nArgs(fs, "incidents list", 0, "")(); err != nil {
			return err
		}
		q = incident.Query{Status: incident.Status(*status), Severity: incident.Severity(*severity), Limit: *limit}
		if *status != "" && !q.Status.Valid() {
			return usageError("incidents list: --status %q: want open, acknowledged or resolved", *status)
		}
		if *severity != "" && q.Severity.Rank() == 0 {
			return usageError("incidents list: --severity %q: want critical, high, warning or info", *severity)
		}
		if *limit < 1 || *limit > 1000 {
			return usageError("incidents list: --limit %d: want 1 to 1000", *limit)
		}
		if *entity != "" {
			r, err := catalog.ParseRef(*entity, "component", "default")
			if err != nil {
				return usageError("incidents list: --entity %q: want an entity ref such as component:default/payments-api", *entity)
			}
			q.Entity = r.String()
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
	list, err := a.incidentService().List(operatorContext(ctx), q)
	if err != nil {
		return fmt.Errorf("incidents list: %w", err)
	}
	if *asJSON {
		return writeIndentedJSON(stdout, list)
	}
	if len(list) == 0 {
		_, err := fmt.Fprintln(stdout, "no incidents")
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOPENED\tSEVERITY\tSTATUS\tSOURCE\tENTITIES\tTITLE")
	for _, inc := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", inc.ID, inc.OpenedAt.Format("2006-01-02 15:04"), inc.Severity, inc.Status,
			inc.Source, strings.Join(inc.Entities, ","), inc.Title)
	}
	return tw.Flush()
}

func runIncidentsShow(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("incidents show", "incidents show ID [flags]", stderr, env, commandSettings["incidents show"]...)
	asJSON := fs.Bool("json", false, "print the incident as JSON")
	id, args := leadingArg(args)
	err := parseCommand(&cfg, fs, envErr, args, oneArg(fs, "incidents show", "incident ID", &id))
	if err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, currentSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = operatorContext(ctx)
	svc := a.incidentService()
	inc, err := svc.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("incidents show: %w", err)
	}
	similar, err := svc.Similar(ctx, inc, 3)
	if err != nil {
		return fmt.Errorf("incidents show: similar: %w", err)
	}
	if *asJSON {
		return writeIndentedJSON(stdout, struct {
			incident.Incident
			Similar []incident.Incident `json:"similar"`
		}{inc, similar})
	}
	return printIncident(stdout, inc, similar)
}

// printIncident writes an incident for a person to read.
func printIncident(w io.Writer, inc incident.Incident, similar []incident.Incident) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", inc.ID, inc.Title)
	fmt.Fprintf(&b, "severity %s, %s, from %s (%s)\n", inc.Severity, inc.Status, inc.Source, inc.Fingerprint)
	fmt.Fprintf(&b, "opened %s", inc.OpenedAt.Format(time.RFC3339))
	if !inc.ResolvedAt.IsZero() {
		fmt.Fprintf(&b, ", resolved %s", inc.ResolvedAt.Format(time.RFC3339))
	}
	b.WriteString("\n")
	if len(inc.Entities) > 0 {
		fmt.Fprintf(&b, "entities: %s\n", strings.Join(inc.Entities, ", "))
	}
	if inc.Series != "" {
		fmt.Fprintf(&b, "series: %s (%d anomalies)\n", inc.Series, inc.Count)
	}
	for _, part := range []struct{ h, t string }{{"Summary", inc.Summary}, {"Root cause", inc.RootCause}, {"Resolution", inc.Resolution}} {
		if part.t != "" {
			fmt.Fprintf(&b, "\n%s:\n%s\n", part.h, part.t)
		}
	}
	for _, l := range inc.Links {
		fmt.Fprintf(&b, "link: %s %s\n", l.Title, l.URL)
	}
	b.WriteString("\nTimeline:\n")
	for _, e := range inc.Timeline {
		fmt.Fprintf(&b, "  %s  %-12s %s", e.At.Format(time.RFC3339), e.Kind, e.Text)
		if e.Actor != "" {
			fmt.Fprintf(&b, " (%s)", e.Actor)
		}
		b.WriteString("\n")
	}
	if len(similar) > 0 {
		b.WriteString("\nSimilar incidents:\n")
		for _, s := range similar {
			fmt.Fprintf(&b, "  %s  %s  %s\n", s.ID, s.OpenedAt.Format("2006-01-02"), s.Title)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func runIncidentsImport(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("incidents import", "incidents import DIR [flags]", stderr, env, commandSettings["incidents import"]...)
	dir, args := leadingArg(args)
	err := parseCommand(&cfg, fs, envErr, args, oneArg(fs, "incidents import", "DIR of postmortem markdown files", &dir))
	if err != nil {
		return err
	}
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.incidentService().ImportPostmortems(operatorContext(ctx), dir)
	if err != nil {
		return fmt.Errorf("incidents import: %w", err)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(stderr, "skipped: %s\n", s)
	}
	_, err = fmt.Fprintf(stdout, "%d postmortems: %d imported or updated, %d unchanged, %d skipped\n",
		rep.Files, rep.Changed, rep.Unchanged, len(rep.Skipped))
	return err
}

// writeIndentedJSON writes v as indented JSON.
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
