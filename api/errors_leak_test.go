package api_test

import (
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
)

// TestConflictsHideDriverText creates a user and a token twice: the 409s say what exists,
// in our words, and never carry the driver's constraint text (on either engine).
func TestConflictsHideDriverText(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	steps := []struct {
		name, who, path, body string
		want                  int
		wantMsg               string
	}{
		{"add user", asAdmin, "/api/v1/users", `{"name":"ada","role":"viewer","password":"` + testPassword + `"}`, 201, `"name":"ada"`},
		{"add user twice", asAdmin, "/api/v1/users", `{"name":"Ada"}`, 409, `a user named Ada, or one linked to user:default/ada, exists already`},
		{"add token", asDeveloper, "/api/v1/tokens", `{"name":"ci"}`, 201, `"token":"np_`},
		{"add token twice", asDeveloper, "/api/v1/tokens", `{"name":"ci"}`, 409, `"ConflictError"`},
	}
	for _, s := range steps {
		w := env.doAs(s.who, "POST", s.path, s.body)
		body := w.Body.String()
		if w.Code != s.want || !strings.Contains(body, s.wantMsg) {
			t.Errorf("%s: POST %s = %d %s, want %d with %s", s.name, s.path, w.Code, body, s.want, s.wantMsg)
		}
		for _, leak := range []string{"duplicate", "UNIQUE", "unique", "constraint", "SQLSTATE", "23505", "sqlite", "pq:"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: the answer carries driver text %q: %s", s.name, leak, body)
			}
		}
	}
}
