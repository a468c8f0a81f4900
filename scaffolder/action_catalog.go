package scaffolder

import (
	"context"
	"errors"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/catalog"
)

// Catalog is what the scaffolder needs of the catalog: templates to read, and locations to
// register what it creates.
type Catalog interface {
	EntityByRef(ctx context.Context, ref catalog.Ref) (catalog.Entity, error)
	Query(ctx context.Context, q catalog.Query) (catalog.Page, error)
	AddLocation(ctx context.Context, typ, target string, dryRun bool) (catalog.AddLocationResult, error)
}

func catalogActions() []*Action {
	return []*Action{
		{
			ID: "catalog:write", Description: "Writes the catalog-info.yaml for your template",
			Schema: ActionSchema{Input: obj(map[string]any{
				"filePath": prop("string", "Defaults to catalog-info.yaml"),
				"entity":   prop("object", "You can provide the same values used in the Entity schema."),
			}, "entity")},
			SupportsDryRun: true,
			Handler: func(_ context.Context, ac *ActionContext) error {
				b, err := yaml.Marshal(ac.Input["entity"])
				if err != nil {
					return errkindf("catalog:write: entity cannot be written as YAML")
				}
				ac.Log("Writing catalog-info.yaml")
				return ac.Workspace.WriteFile(ac.str("filePath", "catalog-info.yaml"), b, 0o644)
			},
		},
		{
			ID: "catalog:register", Description: "Registers entities from a catalog descriptor file in the workspace into the software catalog.",
			Schema: ActionSchema{
				Input: map[string]any{"type": "object", "properties": map[string]any{
					"catalogInfoUrl":  prop("string", "An absolute URL pointing to the catalog info file location"),
					"repoContentsUrl": prop("string", "An absolute URL pointing to the root of a repository directory tree"),
					"catalogInfoPath": prop("string", "A relative path from the repo root pointing to the catalog info file, defaults to /catalog-info.yaml"),
					"optional":        prop("boolean", "Permit the registered location to optionally exist. Default: false"),
				}},
				Output: obj(map[string]any{"entityRef": prop("string", "Entity ref"), "catalogInfoUrl": prop("string", "Catalog info URL")}),
			},
			Handler: catalogRegister,
		},
		{
			ID: "catalog:fetch", Description: "Returns entity or entities from the catalog by entity reference(s)",
			Schema: ActionSchema{
				Input: obj(map[string]any{
					"entityRef":        prop("string", "Entity reference of the entity to get"),
					"entityRefs":       map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "Entity references of the entities to get"},
					"optional":         prop("boolean", "Allow the entity or entities to optionally exist. Default: false"),
					"defaultKind":      prop("string", "The default kind"),
					"defaultNamespace": prop("string", "The default namespace"),
				}),
				Output: obj(map[string]any{"entity": prop("object", "Object containing same values used in the Entity schema."), "entities": prop("array", "Array containing objects with same values used in the Entity schema.")}),
			},
			SupportsDryRun: true, Handler: catalogFetch,
		},
	}
}

// catalogRegister registers a file location, as the user who ran the task.
func catalogRegister(ctx context.Context, ac *ActionContext) error {
	infoURL := ac.str("catalogInfoUrl", "")
	if infoURL == "" {
		repo := ac.str("repoContentsUrl", "")
		if repo == "" {
			return errkindf("catalog:register: either catalogInfoUrl or repoContentsUrl must be given")
		}
		infoURL = strings.TrimSuffix(repo, "/") + "/" + strings.TrimPrefix(ac.str("catalogInfoPath", "/catalog-info.yaml"), "/")
	}
	u, err := url.Parse(infoURL)
	if err != nil || u.Scheme != "file" || !filepath.IsAbs(u.Path) {
		return errkindf("catalog:register: %s is not a file: URL (this portal registers file locations only)", truncate(infoURL, 200))
	}
	target := filepath.Clean(u.Path)
	ac.Log("Registering %s in the catalog", infoURL)
	res, err := ac.svc.catalog.AddLocation(ctx, "file", target, false)
	if err != nil {
		if opt, _ := ac.Input["optional"].(bool); opt {
			ac.Log("Optional location %s could not be registered", infoURL)
			return nil
		}
		return err
	}
	ac.Output("catalogInfoUrl", infoURL)
	var ref string
	for _, e := range res.Entities {
		if !strings.EqualFold(e.Kind, "Location") {
			ref = e.Ref().String()
			break
		}
	}
	if ref == "" && len(res.Entities) > 0 {
		ref = res.Entities[0].Ref().String()
	}
	if ref != "" {
		ac.Output("entityRef", ref)
	}
	return nil
}

func catalogFetch(ctx context.Context, ac *ActionContext) error {
	optional, _ := ac.Input["optional"].(bool)
	kind, ns := ac.str("defaultKind", ""), ac.str("defaultNamespace", catalog.DefaultNamespace)
	get := func(s string) (map[string]any, error) {
		ref, err := catalog.ParseRef(s, kind, ns)
		if err != nil {
			return nil, errkindf("catalog:fetch: invalid entity ref %q", truncate(s, 200))
		}
		e, err := ac.svc.catalog.EntityByRef(ctx, ref)
		if errors.Is(err, catalog.ErrNotFound) && optional {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := roundTrip(e, &m); err != nil {
			return nil, err
		}
		return m, nil
	}
	if s := ac.str("entityRef", ""); s != "" {
		e, err := get(s)
		if err != nil {
			return err
		}
		ac.Output("entity", e)
	}
	if refs, ok := ac.Input["entityRefs"].([]any); ok {
		var out []any
		for _, r := range refs {
			s, _ := r.(string)
			e, err := get(s)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		ac.Output("entities", out)
	}
	return nil
}

// fileURL is the file: URL of an absolute path.
func fileURL(p string) string {
	return (&url.URL{Scheme: "file", Path: path.Clean(filepath.ToSlash(p))}).String()
}
