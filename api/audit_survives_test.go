package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
)

// cancelOnWrite is a client that goes away as soon as the response starts: the request's
// context ends when the handler writes, as it does when a client hangs up under load.
type cancelOnWrite struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (w cancelOnWrite) WriteHeader(code int) { w.ResponseRecorder.WriteHeader(code); w.cancel() }

func (w cancelOnWrite) Write(b []byte) (int, error) {
	defer w.cancel()
	return w.ResponseRecorder.Write(b)
}

// TestAuditSurvivesRequestEnd: a change answered to a client that then goes away is still
// recorded in the audit log.
func TestAuditSurvivesRequestEnd(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	dir := env.copyTree("testdata/auth", "again")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/catalog/locations",
		strings.NewReader(`{"type":"file","target":"`+dir+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+env.tokens[asAdmin])
	w := cancelOnWrite{httptest.NewRecorder(), cancel}
	env.srv.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("register = %d %s", w.Code, w.Body)
	}
	events, err := env.auth.Audit(t.Context(), auth.AuditQuery{Action: "POST /api/catalog/locations", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events {
		found = found || strings.HasSuffix(e.Target, dir)
	}
	if !found {
		t.Errorf("no audit event for the location registered by a client that went away: %+v", events)
	}
}
