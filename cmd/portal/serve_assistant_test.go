package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeAssistant starts `portal serve --demo` and asks its chat API, as the guest, a
// question about the demo org: as JSON, then streamed, following up in the same
// conversation.
func TestServeAssistant(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole server")
	}
	env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir(), "PORTAL_LOG_LEVEL": "warn"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--refresh-interval", "0"}, env, nil, stdout, stderr)
	}()
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := urlLine.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve printed no URL; stderr: %s", stderr.String())
	}
	var ans struct {
		ConversationID string `json:"conversation_id"`
		Answer         string
		Citations      []struct{ Ref, URL string }
	}
	body := postChat(t, base, `{"message":"who owns service-chassis-go?"}`, "application/json")
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatalf("chat answer %s: %v", body, err)
	}
	cited := false
	for _, c := range ans.Citations {
		cited = cited || c.Ref == "group:default/platform-team"
	}
	if ans.ConversationID == "" || !cited {
		t.Errorf("who owns service-chassis-go = %+v, want an answer citing group:default/platform-team", ans)
	}
	stream := string(postChat(t, base, `{"message":"and who is on that team?","conversation_id":"`+ans.ConversationID+`"}`, "text/event-stream"))
	if !strings.Contains(stream, "event: token\n") || !strings.Contains(stream, "event: done\ndata: {\"conversation_id\":\""+ans.ConversationID+"\"") {
		t.Errorf("streamed follow-up = %s, want tokens and done in conversation %s", stream, ans.ConversationID)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// postChat POSTs body to the chat API without credentials (the demo guest) and returns the
// 200 answer's body.
func postChat(t *testing.T, base, body, accept string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/assistant/chat", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(bufio.NewReader(resp.Body))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST chat = %d %s (%v)", resp.StatusCode, out, err)
	}
	return out
}
