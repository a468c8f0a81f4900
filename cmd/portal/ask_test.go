package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/internal/demo"
)

func TestCLIAsk(t *testing.T) {
	dir := t.TempDir()
	rootFile, err := demo.Extract(dir)
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := filepath.Abs(filepath.Join(assistantSets, "restricted"))
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv(t, map[string]string{
		"PORTAL_DATA_DIR":            t.TempDir(),
		"PORTAL_FILE_LOCATION_ROOTS": dir + ":" + fixture,
	})
	portal := func(stdin string, args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, env, strings.NewReader(stdin), &stdout, &stderr)
		return stdout.String(), err
	}
	for _, args := range [][]string{
		{"catalog", "import", rootFile},
		{"catalog", "import", filepath.Join(fixture, "catalog-info.yaml")},
		{"index"},
		{"user", "add", "--role", "viewer", "--password-stdin", "vic"},
	} {
		if _, err := portal("correct horse battery\n", args...); err != nil {
			t.Fatalf("portal %v: %v", args, err)
		}
	}

	out, err := portal("", "ask", "who owns the payment svc?")
	if err != nil {
		t.Fatalf("ask: %v", err)
	}
	for _, want := range []string{"payments-team", "Sources:", "[1]", "/catalog/default/group/payments-team", "conversation "} {
		if !strings.Contains(out, want) {
			t.Errorf("ask output lacks %q:\n%s", want, out)
		}
	}

	out, err = portal("", "ask", "--json", "who owns the zephyr vault?")
	if err != nil {
		t.Fatalf("ask --json: %v", err)
	}
	var ans assistant.Answer
	if err := json.Unmarshal([]byte(out), &ans); err != nil || ans.ConversationID == "" || len(ans.Citations) == 0 {
		t.Fatalf("ask --json = %v %+v:\n%s", err, ans, out)
	}
	if !strings.Contains(ans.Answer, "treasury-team") {
		t.Errorf("the operator sees everything; answer %q", ans.Answer)
	}
	out, err = portal("", "ask", "--json", "--conversation", ans.ConversationID, "and who is on that team?")
	if err != nil || !strings.Contains(out, "tess-treasury") {
		t.Errorf("follow-up: %v\n%s", err, out)
	}

	out, err = portal("", "ask", "--as", "vic", "--json", "who owns the zephyr vault?")
	if err != nil {
		t.Fatalf("ask --as vic: %v", err)
	}
	ans = assistant.Answer{}
	if err := json.Unmarshal([]byte(out), &ans); err != nil || !ans.Abstained || strings.Contains(strings.ToLower(out), "treasury") {
		t.Errorf("a viewer asking about a restricted entity: %v\n%s", err, out)
	}

	for _, tc := range []struct {
		args    []string
		wantErr string
		code    int
	}{
		{[]string{"ask"}, "needs a QUESTION", 2},
		{[]string{"ask", "  "}, "needs a QUESTION", 2},
		{[]string{"ask", strings.Repeat("why ", 600)}, "characters", 2},
		{[]string{"ask", "--as", "nobody", "who owns cart-service"}, "no such local user", 2},
		{[]string{"ask", "--conversation", "nope", "and its APIs?"}, "no such conversation", 1},
	} {
		_, err := portal("", tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || exitCode(err) != tc.code || strings.Contains(err.Error(), "\n") {
			t.Errorf("portal %.40q = %v (exit %d), want one line with %q, exit %d", tc.args, err, exitCode(err), tc.wantErr, tc.code)
		}
	}
}
