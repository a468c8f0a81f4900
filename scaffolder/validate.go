package scaffolder

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// FieldError is one failing value, in the shape Backstage's scaffolder returns in
// {"errors": […]} (the jsonschema library's ValidationError).
type FieldError struct {
	Path     []string `json:"path"`
	Property string   `json:"property"`
	Message  string   `json:"message"`
	Name     string   `json:"name"`
	Argument any      `json:"argument,omitempty"`
	Stack    string   `json:"stack"`
}

// ValuesError is values that do not match the template's parameter schemas. It is an
// ErrInvalid; the API answers it with 400 and its Errors.
type ValuesError struct {
	Errors []FieldError
}

func (e *ValuesError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Stack
	}
	return "invalid values: " + strings.Join(msgs, "; ")
}

// Unwrap makes a ValuesError an ErrInvalid.
func (e *ValuesError) Unwrap() error { return ErrInvalid }

// PublicMessage is the message a client may read.
func (e *ValuesError) PublicMessage() string { return e.Error() }

var printer = message.NewPrinter(language.English)

// Validate checks values against every page of the template's parameters and returns a
// *ValuesError naming each failing field, or an ErrInvalid when a schema itself is broken.
func (t *Template) Validate(values map[string]any) error {
	inst, err := jsonValue(values)
	if err != nil {
		return errkindf("values are not JSON: %v", err)
	}
	var out []FieldError
	for i, page := range t.Pages {
		sch, err := compilePage(page, i)
		if err != nil {
			return err
		}
		verr, ok := sch.Validate(inst).(*jsonschema.ValidationError)
		if !ok || verr == nil {
			continue
		}
		collect(verr, &out)
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b FieldError) int { return strings.Compare(a.Property, b.Property) })
	out = slices.CompactFunc(out, func(a, b FieldError) bool { return a.Stack == b.Stack })
	return &ValuesError{Errors: out}
}

// compilePage compiles one page's schema, without the keys that are not JSON Schema.
func compilePage(page map[string]any, i int) (*jsonschema.Schema, error) {
	doc, err := jsonValue(page)
	if err != nil {
		return nil, errkindf("parameters[%d]: not JSON: %v", i, err)
	}
	c := jsonschema.NewCompiler()
	url := fmt.Sprintf("mem://parameters/%d.json", i)
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("%w: %w", errkindf("parameters[%d] is not a valid JSON Schema", i), err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errkindf("parameters[%d] is not a valid JSON Schema", i), err)
	}
	return sch, nil
}

// collect flattens the leaves of verr into Backstage-shaped errors.
func collect(verr *jsonschema.ValidationError, out *[]FieldError) {
	if len(verr.Causes) > 0 {
		for _, c := range verr.Causes {
			collect(c, out)
		}
		return
	}
	path := append([]string{}, verr.InstanceLocation...)
	prop := "instance"
	for _, p := range path {
		prop += "." + p
	}
	kw := verr.ErrorKind.KeywordPath()
	name := ""
	if len(kw) > 0 {
		name = kw[len(kw)-1]
	}
	msg := verr.ErrorKind.LocalizedString(printer)
	if req, ok := verr.ErrorKind.(*kind.Required); ok {
		for _, m := range req.Missing {
			mm := fmt.Sprintf("requires property %q", m)
			*out = append(*out, FieldError{Path: path, Property: prop, Message: mm, Name: "required", Argument: m, Stack: prop + " " + mm})
		}
		return
	}
	*out = append(*out, FieldError{Path: path, Property: prop, Message: msg, Name: name, Stack: prop + " " + msg})
}

// jsonValue round-trips v through JSON into the types the schema library reads.
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}
