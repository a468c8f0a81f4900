package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/catalog"
)

func TestParseFilterParams(t *testing.T) {
	tests := []struct {
		name    string
		params  []string
		want    catalog.Filter
		wantErr string
	}{
		{"none", nil, catalog.Filter{}, ""},
		{"blank ignored", []string{" "}, catalog.Filter{}, ""},
		{"one leaf", []string{"kind=component"}, catalog.Filter{Key: "kind", Values: []string{"component"}}, ""},
		{"exists", []string{"spec.owner"}, catalog.Filter{Key: "spec.owner"}, ""},
		{"empty value", []string{"spec.type="}, catalog.Filter{Key: "spec.type", Values: []string{""}}, ""},
		{"all of", []string{"kind=component, spec.type=service"}, catalog.Filter{AllOf: []catalog.Filter{
			{Key: "kind", Values: []string{"component"}},
			{Key: "spec.type", Values: []string{"service"}},
		}}, ""},
		{"same key twice is one leaf", []string{"kind=component,kind=api"}, catalog.Filter{Key: "kind", Values: []string{"component", "api"}}, ""},
		{"any of", []string{"kind=component", "kind=api,spec.type=openapi"}, catalog.Filter{AnyOf: []catalog.Filter{
			{Key: "kind", Values: []string{"component"}},
			{AllOf: []catalog.Filter{{Key: "kind", Values: []string{"api"}}, {Key: "spec.type", Values: []string{"openapi"}}}},
		}}, ""},
		{"value with equals", []string{"metadata.annotations.x=a=b"}, catalog.Filter{Key: "metadata.annotations.x", Values: []string{"a=b"}}, ""},
		{"empty key", []string{"=x"}, catalog.Filter{}, `condition "=x" has no key`},
		{"empty condition", []string{"kind=a,,spec.type=b"}, catalog.Filter{}, "empty condition"},
		{"trailing comma", []string{"kind=a,"}, catalog.Filter{}, "empty condition"},
		{"error in second param", []string{"kind=a", "=b"}, catalog.Filter{}, "has no key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := catalog.ParseFilterParams(tt.params)
			if tt.wantErr != "" {
				if !errors.Is(err, catalog.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseFilterParams(%q) error = %v, want ErrInvalid containing %q", tt.params, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFilterParams(%q) error = %v", tt.params, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseFilterParams(%q) mismatch (-want +got):\n%s", tt.params, diff)
			}
		})
	}
}

func TestParseOrderParams(t *testing.T) {
	tests := []struct {
		name    string
		params  []string
		want    []catalog.Order
		wantErr bool
	}{
		{"none", nil, nil, false},
		{"prefix asc", []string{"asc:metadata.name"}, []catalog.Order{{Field: "metadata.name"}}, false},
		{"prefix desc", []string{"desc:spec.type"}, []catalog.Order{{Field: "spec.type", Desc: true}}, false},
		{"suffix desc", []string{"metadata.name,desc"}, []catalog.Order{{Field: "metadata.name", Desc: true}}, false},
		{"suffix asc upper", []string{"metadata.name,ASC"}, []catalog.Order{{Field: "metadata.name"}}, false},
		{"bare field", []string{"metadata.title"}, []catalog.Order{{Field: "metadata.title"}}, false},
		{"several", []string{"kind,asc", "desc:metadata.name"}, []catalog.Order{{Field: "kind"}, {Field: "metadata.name", Desc: true}}, false},
		{"bad direction", []string{"metadata.name,up"}, nil, true},
		{"no field", []string{"asc:"}, nil, true},
		{"no field suffix", []string{",desc"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := catalog.ParseOrderParams(tt.params)
			if tt.wantErr {
				if !errors.Is(err, catalog.ErrInvalid) {
					t.Errorf("ParseOrderParams(%q) error = %v, want ErrInvalid", tt.params, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseOrderParams(%q) error = %v", tt.params, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseOrderParams(%q) mismatch (-want +got):\n%s", tt.params, diff)
			}
		})
	}
}
