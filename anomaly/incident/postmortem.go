package incident

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// Postmortem is what a postmortem markdown file says about a past incident.
type Postmortem struct {
	ID         string // frontmatter id, else the file name without .md
	Title      string
	Date       time.Time
	Resolved   time.Time // frontmatter resolved, else Date
	Services   []string  // canonical entity refs (kind component by default)
	Severity   Severity
	Summary    string
	RootCause  string
	Resolution string
}

// frontmatter is the YAML block a postmortem may start with.
type frontmatter struct {
	ID       string   `yaml:"id"`
	Title    string   `yaml:"title"`
	Date     string   `yaml:"date"`
	Resolved string   `yaml:"resolved"`
	Services []string `yaml:"services"`
	Severity string   `yaml:"severity"`
	Type     string   `yaml:"type"`
}

// MaxPostmortemBytes bounds one postmortem file.
const MaxPostmortemBytes = 1 << 20

// preambleRE matches a "- Severity: SEV2" style line before the first section.
var preambleRE = regexp.MustCompile(`^\s*(?:[-*]\s+)?(?:\*\*)?(Severity|Date|Services?|Resolved|ID)(?:\*\*)?:(?:\*\*)?\s*(.*)$`)

// fromPreamble fills what the frontmatter left empty from a preamble line.
func (fm *frontmatter) fromPreamble(key, v string) {
	switch key {
	case "severity":
		if fm.Severity == "" {
			fm.Severity = v
		}
	case "date":
		if fm.Date == "" {
			fm.Date = datePrefix.FindString(v)
		}
	case "resolved":
		if fm.Resolved == "" {
			fm.Resolved = datePrefix.FindString(v)
		}
	case "id":
		if fm.ID == "" {
			fm.ID = v
		}
	case "service", "services":
		if len(fm.Services) == 0 {
			for p := range strings.SplitSeq(v, ",") {
				if p = strings.Trim(strings.TrimSpace(p), "`*"); p != "" {
					fm.Services = append(fm.Services, p)
				}
			}
		}
	}
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

var datePrefix = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})`)

// ParsePostmortem reads a postmortem: an optional YAML frontmatter (id, title, date,
// resolved, services, severity), a "# " title, and "## " sections whose headings name the
// summary (Summary, Impact), the root cause (Root cause, Cause) and the resolution
// (Resolution, Fix, Remediation). name is the file name; a date it starts with
// (2025-06-12-…) stands in for a missing frontmatter date. ErrInvalid when it has no title
// or no date.
func ParsePostmortem(name string, data []byte) (Postmortem, error) {
	if len(data) > MaxPostmortemBytes {
		return Postmortem{}, errkind.Errorf(ErrInvalid, "postmortem %s: larger than %d bytes", name, MaxPostmortemBytes)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	var fm frontmatter
	if rest, ok := strings.CutPrefix(text, "---\n"); ok {
		head, body, found := strings.Cut(rest, "\n---\n")
		if !found {
			head, body, found = strings.Cut(rest, "\n---")
		}
		if found {
			if err := yaml.NewDecoder(bytes.NewReader([]byte(head))).Decode(&fm); err != nil {
				return Postmortem{}, errkind.Errorf(ErrInvalid, "postmortem %s: frontmatter is not valid YAML", name)
			}
			text = body
		}
	}
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	pm := Postmortem{ID: fm.ID, Title: strings.TrimSpace(fm.Title)}
	if pm.ID == "" {
		pm.ID = base
	}
	pm.ID = truncate(idUnsafe.ReplaceAllString(pm.ID, "-"), 90)
	sections := map[string]*strings.Builder{}
	var cur *strings.Builder
	inPreamble := true
	for line := range strings.SplitSeq(text, "\n") {
		if inPreamble {
			if m := preambleRE.FindStringSubmatch(line); m != nil {
				fm.fromPreamble(strings.ToLower(m[1]), strings.TrimSpace(m[2]))
				continue
			}
		}
		switch {
		case strings.HasPrefix(line, "# "):
			if pm.Title == "" {
				pm.Title = strings.TrimSpace(line[2:])
			}
			cur = nil
		case strings.HasPrefix(line, "## "):
			inPreamble = false
			key := sectionKey(line[3:])
			if key == "" {
				cur = nil
				continue
			}
			if sections[key] == nil {
				sections[key] = &strings.Builder{}
			}
			cur = sections[key]
		case cur != nil:
			cur.WriteString(line)
			cur.WriteString("\n")
		}
	}
	get := func(k string) string {
		if b := sections[k]; b != nil {
			return truncate(strings.TrimSpace(b.String()), MaxTextLen)
		}
		return ""
	}
	pm.Summary, pm.RootCause, pm.Resolution = get("summary"), get("root"), get("resolution")
	pm.Title = truncate(strings.TrimSpace(strings.TrimPrefix(pm.Title, "Postmortem:")), MaxTitleLen)
	date := fm.Date
	if date == "" {
		date = datePrefix.FindString(base)
	}
	var err error
	if pm.Date, err = parseDate(date); err != nil || pm.Title == "" {
		return Postmortem{}, errkind.Errorf(ErrInvalid, "postmortem %s: want a title (frontmatter or a # heading) and a date (frontmatter date or a YYYY-MM-DD file name prefix)", name)
	}
	pm.Resolved = pm.Date
	if fm.Resolved != "" {
		if r, err := parseDate(fm.Resolved); err == nil && !r.Before(pm.Date) {
			pm.Resolved = r
		}
	}
	pm.Severity = SeverityHigh
	if sev, ok := ParseSeverity(fm.Severity); ok {
		pm.Severity = sev
	}
	for _, s := range fm.Services {
		if r, err := catalog.ParseRef(strings.TrimSpace(s), "component", "default"); err == nil {
			pm.Services = append(pm.Services, r.String())
		}
	}
	slices.Sort(pm.Services)
	pm.Services = slices.Compact(pm.Services)
	if len(pm.Services) > MaxEntities {
		pm.Services = pm.Services[:MaxEntities]
	}
	return pm, nil
}

// sectionKey names the section a "## " heading starts: summary, root or resolution ("" for
// any other).
func sectionKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	switch {
	case strings.Contains(h, "root cause") || h == "cause" || strings.Contains(h, "why it happened"):
		return "root"
	case strings.Contains(h, "resolution") || strings.Contains(h, "fix") || strings.Contains(h, "remediation") || strings.Contains(h, "mitigation") || strings.HasPrefix(h, "action") || strings.Contains(h, "what we changed"):
		return "resolution"
	case strings.Contains(h, "summary") || strings.Contains(h, "impact") || strings.Contains(h, "what happened"):
		return "summary"
	}
	return ""
}

// parseDate reads 2006-01-02 or RFC 3339.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// ImportReport says what an import did.
type ImportReport struct {
	Files     int      // markdown files read
	Changed   int      // incidents created or updated
	Unchanged int      // incidents already as the file says
	Skipped   []string // files that are not postmortems, with why
}

// ImportPostmortems records every postmortem markdown file under dir as a resolved
// incident (by its ID, so importing again updates rather than duplicates). Files it cannot
// parse are skipped and listed in the report.
func (s *Service) ImportPostmortems(ctx context.Context, dir string) (ImportReport, error) {
	var rep ImportReport
	root, err := os.OpenRoot(dir)
	if err != nil {
		return rep, errkind.Errorf(ErrInvalid, "postmortems %s: not a readable folder", dir)
	}
	defer root.Close()
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".md") || strings.EqualFold(d.Name(), "README.md") {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Files++
		data, err := fs.ReadFile(root.FS(), p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		pm, err := ParsePostmortem(p, data)
		if err != nil {
			rep.Skipped = append(rep.Skipped, errkind.Message(err))
			return nil
		}
		changed, err := s.RecordPostmortem(ctx, pm, filepath.ToSlash(p))
		if err != nil {
			return err
		}
		if changed {
			rep.Changed++
		} else {
			rep.Unchanged++
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("import postmortems from %s: %w", dir, err)
	}
	return rep, nil
}

// RecordPostmortem stores pm as a resolved incident and reports whether that changed it.
func (s *Service) RecordPostmortem(ctx context.Context, pm Postmortem, path string) (bool, error) {
	changed := false
	_, err := s.store.Upsert(ctx, SourcePostmortem, pm.ID, func(inc *Incident, found bool) ([]Event, error) {
		want := *inc
		if !found {
			want = Incident{ID: "pm-" + pm.ID, Source: SourcePostmortem, Fingerprint: pm.ID}
		}
		want.Title, want.Summary, want.RootCause, want.Resolution = pm.Title, pm.Summary, pm.RootCause, pm.Resolution
		want.Severity, want.Status, want.Entities = pm.Severity, StatusResolved, pm.Services
		want.OpenedAt, want.ResolvedAt, want.LastSeenAt, want.Count = pm.Date, pm.Resolved, pm.Date, 1
		want.Labels = map[string]string{"postmortem": path}
		if found && incidentEqual(*inc, want) {
			return nil, nil
		}
		now := s.now()
		want.UpdatedAt = now
		*inc = want
		changed = true
		kind := EventNote
		if !found {
			kind = EventOpened
		}
		return []Event{{At: now, Kind: kind, Text: "postmortem imported from " + truncate(path, 500), Actor: "postmortem"}}, nil
	})
	return changed, err
}

// incidentEqual compares what a postmortem sets.
func incidentEqual(a, b Incident) bool {
	return a.Title == b.Title && a.Summary == b.Summary && a.RootCause == b.RootCause && a.Resolution == b.Resolution &&
		a.Severity == b.Severity && a.Status == b.Status && slices.Equal(a.Entities, b.Entities) &&
		a.OpenedAt.Equal(b.OpenedAt) && a.ResolvedAt.Equal(b.ResolvedAt) && a.Labels["postmortem"] == b.Labels["postmortem"]
}

// PostmortemDirs returns every folder named "postmortems" under root (root itself if it
// has that name), sorted.
func PostmortemDirs(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "postmortems" {
			out = append(out, p)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find postmortem folders under %s: %w", root, err)
	}
	slices.Sort(out)
	return out, nil
}
