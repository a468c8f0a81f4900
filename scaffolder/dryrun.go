package scaffolder

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// DirectoryFile is one file of a dry run's template folder or result, in Backstage's shape.
type DirectoryFile struct {
	Path          string `json:"path"`
	Executable    bool   `json:"executable,omitempty"`
	Base64Content string `json:"base64Content"`
}

// DryRunRequest is Backstage's dry-run body: the template itself (or, as this portal also
// accepts, the ref of a catalog template), the values, and the template folder's files.
type DryRunRequest struct {
	Template          map[string]any    `json:"template"`
	TemplateRef       string            `json:"templateRef,omitempty"`
	Values            map[string]any    `json:"values"`
	Secrets           map[string]string `json:"secrets,omitempty"`
	DirectoryContents []DirectoryFile   `json:"directoryContents"`
}

// DryRunLog is one log line of a dry run.
type DryRunLog struct {
	Body map[string]any `json:"body"`
}

// DryRunStep is one step of a dry run's template, as Backstage lists them.
type DryRunStep struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Action string `json:"action"`
}

// DryRunResult is what a dry run would have produced; nothing is kept.
type DryRunResult struct {
	Log               []DryRunLog     `json:"log"`
	DirectoryContents []DirectoryFile `json:"directoryContents"`
	Output            map[string]any  `json:"output"`
	Steps             []DryRunStep    `json:"steps"`
	// Status is completed or failed; Error names what failed (such as the one action the
	// portal cannot run).
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// maxDryRunFiles bounds the template folder a dry run may send.
const maxDryRunFiles = 2000

// DryRun runs a template in a scratch workspace that is removed afterwards: actions that
// support dry runs run there, the others are skipped. Values are validated first (a
// *ValuesError); a failing step ends the run with Status failed and the log says why.
func (s *Service) DryRun(ctx context.Context, req DryRunRequest) (DryRunResult, error) {
	p := auth.FromContext(ctx)
	if !canRun(p) {
		return DryRunResult{}, errkind.Errorf(ErrForbidden, "running a template needs the developer role")
	}
	if err := os.MkdirAll(s.cfg.WorkDir, 0o700); err != nil {
		return DryRunResult{}, fmt.Errorf("dry run: create work folder: %w", err)
	}
	scratch, err := os.MkdirTemp(s.cfg.WorkDir, "dryrun-")
	if err != nil {
		return DryRunResult{}, fmt.Errorf("dry run: create workspace: %w", err)
	}
	defer os.RemoveAll(scratch)
	t, err := s.dryRunTemplate(ctx, req, scratch)
	if err != nil {
		return DryRunResult{}, err
	}
	if req.Values == nil {
		req.Values = map[string]any{}
	}
	if err := t.Validate(req.Values); err != nil {
		return DryRunResult{}, err
	}
	wsDir := scratch + "/workspace"
	if err := os.Mkdir(wsDir, 0o700); err != nil {
		return DryRunResult{}, fmt.Errorf("dry run: %w", err)
	}
	ws, err := openWorkspace(wsDir)
	if err != nil {
		return DryRunResult{}, err
	}
	defer ws.Close()
	res := DryRunResult{Log: []DryRunLog{}, DirectoryContents: []DirectoryFile{}, Steps: []DryRunStep{}}
	for _, st := range t.Steps {
		res.Steps = append(res.Steps, DryRunStep{ID: st.ID, Name: st.Name, Action: st.Action})
	}
	r := &run{svc: s, spec: s.spec(t, req.Values, p), secrets: req.Secrets, ws: ws, dryRun: true,
		emit: func(typ EventType, body map[string]any) {
			if typ == EventLog {
				res.Log = append(res.Log, DryRunLog{Body: body})
			}
		}}
	out, runErr := r.execute(ctx)
	res.Output, res.Status = out, string(StatusCompleted)
	if runErr != nil {
		if ctx.Err() != nil {
			return DryRunResult{}, ctx.Err()
		}
		res.Status, res.Error = string(StatusFailed), publicError(runErr)
	}
	files, err := ws.Files(true)
	if err != nil {
		return DryRunResult{}, err
	}
	for _, f := range files {
		res.DirectoryContents = append(res.DirectoryContents, DirectoryFile{Path: f.Path, Executable: f.Executable, Base64Content: base64.StdEncoding.EncodeToString(f.Data)})
	}
	return res, nil
}

// dryRunTemplate returns the template a dry run runs: the catalog template named by
// TemplateRef (with its own folder), or the request's template with its directory
// contents written to a scratch folder.
func (s *Service) dryRunTemplate(ctx context.Context, req DryRunRequest, scratch string) (*Template, error) {
	if req.TemplateRef != "" {
		return s.Template(ctx, req.TemplateRef)
	}
	if req.Template == nil {
		return nil, errkindf("dry run: template or templateRef is required")
	}
	if len(req.DirectoryContents) > maxDryRunFiles {
		return nil, errkindf("dry run: at most %d files in directoryContents", maxDryRunFiles)
	}
	var e catalog.Entity
	if err := roundTrip(req.Template, &e); err != nil {
		return nil, errkindf("dry run: template is not an entity")
	}
	if e.Metadata.Name == "" {
		e.Metadata.Name = "dry-run"
	}
	dir := scratch + "/template"
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("dry run: %w", err)
	}
	tw, err := openWorkspace(dir)
	if err != nil {
		return nil, err
	}
	defer tw.Close()
	for _, f := range req.DirectoryContents {
		data, err := base64.StdEncoding.DecodeString(f.Base64Content)
		if err != nil {
			return nil, errkindf("dry run: %s: base64Content is not base64", truncate(f.Path, 200))
		}
		if err := tw.WriteFile(f.Path, data, 0o644); err != nil {
			return nil, err
		}
	}
	return TemplateFromEntity(e, dir)
}
