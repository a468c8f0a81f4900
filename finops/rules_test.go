package finops_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/finops"
)

func TestParseRules(t *testing.T) {
	tests := []struct {
		in      string
		want    finops.Rules
		wantErr bool
	}{
		{in: "", want: finops.DefaultRules()},
		{in: finops.DefaultRules().String(), want: finops.DefaultRules()},
		{in: "component=App, Service;group=squad", want: finops.Rules{Component: []string{"app", "service"}, Group: []string{"squad"},
			Shared: finops.DefaultRules().Shared, SharedWith: finops.DefaultRules().SharedWith}},
		{in: "colour=red", wantErr: true},
		{in: "component", wantErr: true},
	}
	for _, tt := range tests {
		got, err := finops.ParseRules(tt.in)
		if tt.wantErr {
			if !errors.Is(err, finops.ErrInvalid) {
				t.Errorf("ParseRules(%q) error = %v, want ErrInvalid", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseRules(%q): %v", tt.in, err)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("ParseRules(%q) (-want +got):\n%s", tt.in, d)
		}
	}
}
