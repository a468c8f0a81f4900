package api

import (
	"context"
	"encoding/base64"
	"maps"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/scaffolder"
)

// mcpDryRun adapts the scaffolder's dry run to MCP's dry-run-template tool (Backstage's
// action: the template as YAML, its values, and its folder's files as text).
func (s *Server) mcpDryRun() func(ctx context.Context, templateYAML string, values map[string]any, files map[string]string) (any, error) {
	svc := s.deps.Scaffolder
	if svc == nil {
		return nil
	}
	return func(ctx context.Context, templateYAML string, values map[string]any, files map[string]string) (any, error) {
		var tmpl map[string]any
		if err := yaml.Unmarshal([]byte(templateYAML), &tmpl); err != nil || tmpl == nil {
			return nil, errkind.Errorf(errkind.Invalid, "dry-run-template: templateYaml is not a YAML mapping")
		}
		req := scaffolder.DryRunRequest{Template: tmpl, Values: values, DirectoryContents: []scaffolder.DirectoryFile{}}
		for _, p := range slices.Sorted(maps.Keys(files)) {
			req.DirectoryContents = append(req.DirectoryContents, scaffolder.DirectoryFile{
				Path: p, Base64Content: base64.StdEncoding.EncodeToString([]byte(files[p]))})
		}
		res, err := svc.DryRun(ctx, req)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
}
