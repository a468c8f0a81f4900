package alert_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly/alert"
)

func TestRuleValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule alert.Rule
		want string // "" valid
	}{
		{"minimal", alert.Rule{ID: "r1"}, ""},
		{"full", alert.Rule{ID: "payments-p1", Entities: []string{"component:default/a"}, Kinds: []string{"component"}, Owner: "payments",
			Selector: map[string]string{"tier": "1"}, Series: "http_*", Sources: []string{"anomaly"}, MinSeverity: "critical",
			For: time.Minute, Repeat: time.Hour, Channels: []string{"slack"}}, ""},
		{"bad id", alert.Rule{ID: "Has Spaces"}, "rule id"},
		{"empty id", alert.Rule{}, "rule id"},
		{"bad severity", alert.Rule{ID: "r", MinSeverity: "urgent"}, "min severity"},
		{"bad entity", alert.Rule{ID: "r", Entities: []string{"payments"}}, "want a ref"},
		{"bad source", alert.Rule{ID: "r", Sources: []string{"nagios"}}, "source"},
		{"bad glob", alert.Rule{ID: "r", Series: "[x"}, "glob"},
		{"negative for", alert.Rule{ID: "r", For: -time.Second}, "between 0 and 30 days"},
		{"repeat too often", alert.Rule{ID: "r", Repeat: time.Second}, "at least a minute"},
		{"too many entities", alert.Rule{ID: "r", Entities: make([]string, 101)}, "more than 100"},
		{"long name", alert.Rule{ID: "r", Name: strings.Repeat("n", 201)}, "name longer"},
		{"empty channel", alert.Rule{ID: "r", Channels: []string{""}}, "channel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if tc.rule.MinSeverity == "" || tc.rule.Name == "" {
					t.Errorf("defaults not filled: %+v", tc.rule)
				}
				return
			}
			if !errors.Is(err, alert.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}
