package slack_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nextportal/portal/assistant/slack"
)

// signingExample is Slack's documented signing example (testdata/slack_signing_example.json).
type signingExample struct {
	Secret    string `json:"signing_secret"`
	Timestamp string `json:"timestamp"`
	Signature string `json:"signature"`
	BodyFile  string `json:"body_file"`
}

func loadSigningExample(t *testing.T) (signingExample, []byte) {
	t.Helper()
	raw, err := os.ReadFile("testdata/slack_signing_example.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex signingExample
	if err := json.Unmarshal(raw, &ex); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", ex.BodyFile))
	if err != nil {
		t.Fatal(err)
	}
	return ex, body
}

func TestVerifySlackDocumentedExample(t *testing.T) {
	ex, body := loadSigningExample(t)
	secs, _ := strconv.ParseInt(ex.Timestamp, 10, 64)
	sent := time.Unix(secs, 0)
	header := func(sig, ts string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set("X-Slack-Signature", sig)
		}
		if ts != "" {
			h.Set("X-Slack-Request-Timestamp", ts)
		}
		return h
	}
	tamperedSig := ex.Signature[:len(ex.Signature)-1] + "0"
	tests := []struct {
		name   string
		secret string
		now    time.Time
		header http.Header
		body   []byte
		want   error
	}{
		{"the documented example", ex.Secret, sent.Add(30 * time.Second), header(ex.Signature, ex.Timestamp), body, nil},
		{"4m59s later", ex.Secret, sent.Add(4*time.Minute + 59*time.Second), header(ex.Signature, ex.Timestamp), body, nil},
		{"older than 5 minutes", ex.Secret, sent.Add(5*time.Minute + time.Second), header(ex.Signature, ex.Timestamp), body, slack.ErrUnsigned},
		{"from the future", ex.Secret, sent.Add(-6 * time.Minute), header(ex.Signature, ex.Timestamp), body, slack.ErrUnsigned},
		{"wrong signature", ex.Secret, sent, header(tamperedSig, ex.Timestamp), body, slack.ErrUnsigned},
		{"wrong secret", "not-the-secret", sent, header(ex.Signature, ex.Timestamp), body, slack.ErrUnsigned},
		{"tampered body", ex.Secret, sent, header(ex.Signature, ex.Timestamp), append([]byte{}, append(body, '&')...), slack.ErrUnsigned},
		{"signature header missing", ex.Secret, sent, header("", ex.Timestamp), body, slack.ErrUnsigned},
		{"timestamp header missing", ex.Secret, sent, header(ex.Signature, ""), body, slack.ErrUnsigned},
		{"timestamp not a number", ex.Secret, sent, header(ex.Signature, "yesterday"), body, slack.ErrUnsigned},
		{"not v0", ex.Secret, sent, header("v1="+ex.Signature[3:], ex.Timestamp), body, slack.ErrUnsigned},
		{"not hex", ex.Secret, sent, header("v0=zz", ex.Timestamp), body, slack.ErrUnsigned},
		{"no secret configured", "", sent, header(ex.Signature, ex.Timestamp), body, slack.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := slack.Verifier{Secret: tt.secret, Now: func() time.Time { return tt.now }}
			err := v.Verify(tt.header, tt.body)
			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestSignHeaderRoundTrip checks the signer tests use against the verifier: what it
// signs verifies, with the same secret only.
func TestSignHeaderRoundTrip(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	body := []byte(`{"type":"url_verification","challenge":"abc"}`)
	h := slack.SignHeader("s3cret", now, body)
	if err := (slack.Verifier{Secret: "s3cret", Now: func() time.Time { return now }}).Verify(h, body); err != nil {
		t.Errorf("a signed request does not verify: %v", err)
	}
	if err := (slack.Verifier{Secret: "other", Now: func() time.Time { return now }}).Verify(h, body); !errors.Is(err, slack.ErrUnsigned) {
		t.Errorf("verified with another secret: %v", err)
	}
}
