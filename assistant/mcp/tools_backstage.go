package mcp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// Bounds of query-catalog-entities.
const (
	defaultQueryLimit = 20
	maxQueryLimit     = 100
	maxFields         = 50
)

// backstage are Backstage's well-known MCP actions (@backstage/plugin-mcp-actions-backend
// serving the catalog's and scaffolder's actions), under Backstage's names and with its
// input names.
func (t *tools) backstage() []toolDef {
	return []toolDef{
		{&sdk.Tool{Name: "who-am-i", Title: "Who am I", Annotations: readOnly,
			Description: "Returns the portal user the token belongs to: their catalog User entity ref, role, groups, and the entity itself when there is one.",
			InputSchema: schema(map[string]any{})}, t.whoAmI},
		{&sdk.Tool{Name: "get-catalog-entity", Title: "Get Catalog Entity", Annotations: readOnly,
			Description: "Get a single entity from the software catalog. Each entity has a unique name, kind and namespace " +
				"(the default namespace is \"default\"); its reference is \"kind:namespace/name\".",
			InputSchema: schema(map[string]any{
				"kind":      str("The kind of the entity to query. If the kind is unknown it can be omitted."),
				"namespace": str("The namespace of the entity to query. If the namespace is unknown it can be omitted."),
				"name":      str("The name of the entity to query")}, "name")}, t.getCatalogEntity},
		{&sdk.Tool{Name: "query-catalog-entities", Title: "Query Catalog Entities", Annotations: readOnly,
			Description: "Query entities from the software catalog with a predicate filter, e.g. {\"query\": {\"kind\": \"Component\", " +
				"\"spec.type\": \"service\"}}; operators $all, $any, $not, $exists, $in, $contains, $hasPrefix; relations as " +
				"\"relations.ownedby\": \"group:default/team-a\". Options: fields, limit, offset, orderFields, fullTextFilter, cursor.",
			InputSchema: schema(map[string]any{
				"query":  map[string]any{"type": "object", "description": "Entity predicate query."},
				"fields": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Dot-separated entity paths to include, e.g. metadata.name."},
				"limit":  map[string]any{"type": "integer", "minimum": 1, "description": "Maximum number of entities to return at a time."},
				"offset": map[string]any{"type": "integer", "minimum": 0, "description": "Number of entities to skip before returning results."},
				"orderFields": map[string]any{"description": "One {field, order} or an array of them; order is asc or desc.",
					"anyOf": []any{orderSchema, map[string]any{"type": "array", "items": orderSchema}}},
				"fullTextFilter": map[string]any{"type": "object", "description": "Full text search criteria.",
					"properties": map[string]any{"term": str("Full text search term"),
						"fields": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}},
				"cursor": str("Cursor for pagination, from nextPageCursor; it takes precedence over offset.")})}, t.queryCatalogEntities},
		{&sdk.Tool{Name: "validate-entity", Title: "Validate Catalog Entity", Annotations: readOnly,
			Description: "Validates catalog-info.yaml content: that the YAML parses and the entity follows the catalog's rules.",
			InputSchema: schema(map[string]any{"entity": str("Entity YAML content to validate"),
				"location": str("Location to validate")}, "entity")}, t.validateEntity},
		{&sdk.Tool{Name: "register-entity", Title: "Register entity in the Catalog", Annotations: changes,
			Description: "Registers the entities of a catalog-info.yaml file by creating a Location pointing at it; returns the " +
				"locationId, which unregister-entity takes. This portal reads file locations: a file:// URL or an absolute path " +
				"under the server's allowed roots.",
			InputSchema: schema(map[string]any{"locationUrl": str("URL of the catalog-info.yaml file describing the entities to register.")}, "locationUrl")},
			t.registerEntity},
		{&sdk.Tool{Name: "unregister-entity", Title: "Unregister entity from the Catalog", Annotations: destructive,
			Description: "Unregisters a Location and the entities it owns.",
			InputSchema: schema(map[string]any{"locationId": str("Location ID returned from register-entity.")}, "locationId")},
			t.unregisterEntity},
		{&sdk.Tool{Name: "dry-run-template", Title: "Dry Run Scaffolder Template", Annotations: readOnly,
			Description: "Dry-runs a scaffolder template to validate it without making changes.",
			InputSchema: schema(map[string]any{"templateYaml": str("The YAML content of the scaffolder template to validate"),
				"values": map[string]any{"type": "object", "description": "Input values for template parameters"},
				"files": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"path": str("File path relative to template root"), "content": str("File content")}}}}, "templateYaml")},
			t.dryRunTemplate},
	}
}

var orderSchema = map[string]any{"type": "object", "properties": map[string]any{
	"field": str("Field to order by, a dot-separated entity path."),
	"order": map[string]any{"type": "string", "enum": []string{"asc", "desc"}}}, "required": []string{"field", "order"}}

func (t *tools) whoAmI(ctx context.Context, _ json.RawMessage) (any, string, error) {
	p := auth.FromContext(ctx)
	out := map[string]any{"name": p.Name, "kind": string(p.Kind), "role": string(p.Role), "groups": nonNil(p.Groups),
		"userEntityRef": p.UserRef}
	if p.UserRef != "" {
		if r, err := catalog.ParseRef(p.UserRef, "user", catalog.DefaultNamespace); err == nil {
			if e, err := t.d.Catalog.EntityByRef(ctx, r); err == nil {
				out["entity"] = e
			}
		}
	}
	return out, "", nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (t *tools) getCatalogEntity(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct{ Kind, Namespace, Name string }
	if err := decode("get-catalog-entity", args, &a); err != nil {
		return nil, "", err
	}
	if a.Name = strings.TrimSpace(a.Name); a.Name == "" || len(a.Name) > maxQuery {
		return nil, "", errkind.Errorf(errkind.Invalid, "get-catalog-entity: name must be 1 to %d characters", maxQuery)
	}
	f := catalog.Filter{AllOf: []catalog.Filter{{Key: "metadata.name", Values: []string{a.Name}}}}
	if a.Kind != "" {
		f.AllOf = append(f.AllOf, catalog.Filter{Key: "kind", Values: []string{a.Kind}})
	}
	if a.Namespace != "" {
		f.AllOf = append(f.AllOf, catalog.Filter{Key: "metadata.namespace", Values: []string{a.Namespace}})
	}
	page, err := t.d.Catalog.Query(ctx, catalog.Query{Filter: f, Limit: 10})
	if err != nil {
		return nil, "", err
	}
	switch len(page.Entities) {
	case 0:
		return nil, "", errkind.Errorf(errkind.NotFound, "No entity found with name %q", a.Name)
	case 1:
		return page.Entities[0], "", nil
	}
	var refs []string
	for _, e := range page.Entities {
		refs = append(refs, strconv.Quote(strings.ToLower(e.Ref().String())))
	}
	return nil, "", errkind.Errorf(errkind.Conflict, "Multiple entities found with name %q, please provide more specific filters. Entities found: %s",
		a.Name, strings.Join(refs, ", "))
}

// orderField is one entry of orderFields.
type orderField struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

func (t *tools) queryCatalogEntities(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		Query          json.RawMessage `json:"query"`
		Fields         []string        `json:"fields"`
		Limit          *int            `json:"limit"`
		Offset         *int            `json:"offset"`
		OrderFields    json.RawMessage `json:"orderFields"`
		FullTextFilter *struct {
			Term   string   `json:"term"`
			Fields []string `json:"fields"`
		} `json:"fullTextFilter"`
		Cursor string `json:"cursor"`
	}
	const name = "query-catalog-entities"
	if err := decode(name, args, &a); err != nil {
		return nil, "", err
	}
	q := catalog.Query{Limit: defaultQueryLimit}
	if a.Limit != nil {
		if *a.Limit < 1 || *a.Limit > maxQueryLimit {
			return nil, "", errkind.Errorf(errkind.Invalid, "%s: limit %d: want 1 to %d", name, *a.Limit, maxQueryLimit)
		}
		q.Limit = *a.Limit
	}
	if a.Offset != nil {
		if *a.Offset < 0 {
			return nil, "", errkind.Errorf(errkind.Invalid, "%s: offset %d: want 0 or more", name, *a.Offset)
		}
		q.Offset = *a.Offset
	}
	if a.Cursor != "" {
		off, err := decodeCursor(a.Cursor)
		if err != nil {
			return nil, "", errkind.Errorf(errkind.Invalid, "%s: the cursor is not one this server returned", name)
		}
		q.Offset = off
	}
	if len(a.Fields) > maxFields {
		return nil, "", errkind.Errorf(errkind.Invalid, "%s: at most %d fields", name, maxFields)
	}
	if len(a.Query) > 0 && string(a.Query) != "null" {
		if t.d.ParsePredicate == nil {
			return nil, "", errkind.Errorf(errkind.Unavailable, "%s: predicate queries are not available", name)
		}
		f, err := t.d.ParsePredicate(a.Query)
		if err != nil {
			return nil, "", err
		}
		q.Filter = f
	}
	orders, err := parseOrders(a.OrderFields)
	if err != nil {
		return nil, "", err
	}
	q.OrderBy = orders
	if a.FullTextFilter != nil && strings.TrimSpace(a.FullTextFilter.Term) != "" {
		if len(a.FullTextFilter.Term) > maxQuery || len(a.FullTextFilter.Fields) > maxFields {
			return nil, "", errkind.Errorf(errkind.Invalid, "%s: fullTextFilter is too long", name)
		}
		q.FullText = &catalog.FullText{Term: strings.TrimSpace(a.FullTextFilter.Term), Fields: a.FullTextFilter.Fields}
	}
	page, err := t.d.Catalog.Query(ctx, q)
	if err != nil {
		return nil, "", err
	}
	items := []any{}
	for i := range page.Entities {
		items = append(items, project(page.Entities[i], a.Fields))
	}
	out := map[string]any{"items": items, "totalItems": page.Total, "hasMoreEntities": page.HasMore}
	if page.HasMore {
		out["nextPageCursor"] = encodeCursor(q.Offset + len(page.Entities))
	}
	return out, "", nil
}

// parseOrders reads orderFields: one {field, order} or an array of them.
func parseOrders(raw json.RawMessage) ([]catalog.Order, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []orderField
	if err := json.Unmarshal(raw, &list); err != nil {
		var one orderField
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, errkind.Errorf(errkind.Invalid, "orderFields: want {field, order} or an array of them")
		}
		list = []orderField{one}
	}
	if len(list) > maxFields {
		return nil, errkind.Errorf(errkind.Invalid, "orderFields: at most %d", maxFields)
	}
	var out []catalog.Order
	for _, o := range list {
		if o.Field == "" || (o.Order != "asc" && o.Order != "desc") {
			return nil, errkind.Errorf(errkind.Invalid, "orderFields: each needs a field and an order of asc or desc")
		}
		out = append(out, catalog.Order{Field: o.Field, Desc: o.Order == "desc"})
	}
	return out, nil
}

// project keeps only fields (dot-separated paths) of e; no fields keeps it whole.
func project(e catalog.Entity, fields []string) any {
	if len(fields) == 0 {
		return e
	}
	var whole map[string]any
	b, _ := json.Marshal(e)
	_ = json.Unmarshal(b, &whole)
	out := map[string]any{}
	for _, f := range fields {
		parts := strings.Split(f, ".")
		var v any = whole
		for _, p := range parts {
			m, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = m[p]
		}
		if v == nil {
			continue
		}
		dst := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := dst[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				dst[p] = next
			}
			dst = next
		}
		dst[parts[len(parts)-1]] = v
	}
	return out
}

// encodeCursor and decodeCursor make query-catalog-entities' opaque page cursor.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func decodeCursor(s string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, err
	}
	n, ok := strings.CutPrefix(string(b), "o:")
	if !ok {
		return 0, errors.New("not a cursor")
	}
	off, err := strconv.Atoi(n)
	if err != nil || off < 0 {
		return 0, errors.New("not a cursor")
	}
	return off, nil
}

func (t *tools) validateEntity(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct{ Entity, Location string }
	if err := decode("validate-entity", args, &a); err != nil {
		return nil, "", err
	}
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(a.Entity), &raw); err != nil {
		return map[string]any{"isValid": false, "isValidYaml": false, "errors": []string{"YAML parsing error: " + yamlMessage(err)}}, "", nil
	}
	loc := a.Location
	if loc == "" {
		loc = "url:https://localhost/entity-validator"
	}
	err := t.d.Catalog.ValidateEntity(ctx, raw, loc)
	var verr *catalog.ValidationError
	switch {
	case err == nil:
		return map[string]any{"isValid": true, "isValidYaml": true, "errors": []string{}, "entity": raw}, "", nil
	case errors.As(err, &verr):
		var msgs []string
		for _, p := range verr.Problems {
			m := p.Message
			if p.Field != "" {
				m = p.Field + ": " + m
			}
			msgs = append(msgs, m)
		}
		return map[string]any{"isValid": false, "isValidYaml": true, "errors": msgs}, "", nil
	default:
		return nil, "", err
	}
}

// yamlMessage is a YAML error's text without yaml.v3's package prefix.
func yamlMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// register and unregister need the caller's permission, as the API routes do.
var policy auth.Policy

func (t *tools) registerEntity(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		LocationURL string `json:"locationUrl"`
	}
	if err := decode("register-entity", args, &a); err != nil {
		return nil, "", err
	}
	if !policy.Allow(auth.FromContext(ctx), auth.ActionRegister, auth.Resource{}) {
		return nil, "", errkind.Errorf(errkind.Forbidden, "register-entity: your token may not register entities (developer role and write scope needed)")
	}
	target := strings.TrimSpace(a.LocationURL)
	if u, err := url.Parse(target); err == nil && u.Scheme == "file" {
		target = u.Path
	}
	if target == "" || !filepath.IsAbs(target) {
		return nil, "", errkind.Errorf(errkind.Invalid, "register-entity: %q is not a file:// URL or an absolute path; this portal registers file locations", a.LocationURL)
	}
	res, err := t.d.Catalog.AddLocation(ctx, "file", target, false)
	if err != nil {
		return nil, "", err
	}
	if t.d.CatalogChanged != nil {
		t.d.CatalogChanged()
	}
	return map[string]any{"locationId": res.Location.ID}, "", nil
}

func (t *tools) unregisterEntity(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		LocationID string `json:"locationId"`
	}
	if err := decode("unregister-entity", args, &a); err != nil {
		return nil, "", err
	}
	if strings.TrimSpace(a.LocationID) == "" {
		return nil, "", errkind.Errorf(errkind.Invalid, "unregister-entity: a locationId must be specified")
	}
	if !policy.Allow(auth.FromContext(ctx), auth.ActionDeleteLocation, auth.Resource{}) {
		return nil, "", errkind.Errorf(errkind.Forbidden, "unregister-entity: your token may not unregister locations (admin role and write scope needed)")
	}
	if err := t.d.Catalog.DeleteLocation(ctx, a.LocationID); err != nil {
		return nil, "", err
	}
	if t.d.CatalogChanged != nil {
		t.d.CatalogChanged()
	}
	return map[string]any{}, "", nil
}

// dryRunTemplate dry-runs a template through the scaffolder, as the caller: nothing is
// written or kept; the result is the would-be files, the log and the output.
func (t *tools) dryRunTemplate(ctx context.Context, args json.RawMessage) (any, string, error) {
	var a struct {
		TemplateYaml string         `json:"templateYaml"`
		Values       map[string]any `json:"values"`
		Files        []struct {
			Path    string `json:"path"`
			Content string `json:"content"`
		} `json:"files"`
	}
	if err := decode("dry-run-template", args, &a); err != nil {
		return nil, "", err
	}
	if t.d.DryRunTemplate == nil {
		return nil, "", errkind.Errorf(errkind.Unavailable, "dry-run-template: the scaffolder is not running on this portal")
	}
	if strings.TrimSpace(a.TemplateYaml) == "" {
		return nil, "", errkind.Errorf(errkind.Invalid, "dry-run-template: a templateYaml must be specified")
	}
	files := make(map[string]string, len(a.Files))
	for _, f := range a.Files {
		files[f.Path] = f.Content
	}
	res, err := t.d.DryRunTemplate(ctx, a.TemplateYaml, a.Values, files)
	if err != nil {
		return nil, "", err
	}
	return res, "", nil
}
