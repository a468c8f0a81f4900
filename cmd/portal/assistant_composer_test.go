package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/nextportal/portal/assistant"
)

// TestAssistantComposer reads the settings as a command does and checks which composer
// answers; with a model at a closed port, the local composer answers with the notice.
func TestAssistantComposer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String() + "/v1"
	l.Close()
	tests := []struct {
		name       string
		env        map[string]string
		wantName   string
		wantErr    string
		wantNotice string
	}{
		{name: "offline by default", wantName: "local"},
		{name: "a server for embeddings only", env: map[string]string{"OPENAI_BASE_URL": down}, wantName: "local"},
		{name: "a chat model at a server that is down", env: map[string]string{"OPENAI_BASE_URL": down, "PORTAL_CHAT_MODEL": "llama3.1"},
			wantName: "openai:llama3.1", wantNotice: assistant.FallbackNotice},
		{name: "a chat model without a server", env: map[string]string{"PORTAL_CHAT_MODEL": "llama3.1"},
			wantErr: "PORTAL_CHAT_MODEL needs OPENAI_BASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig()
			fs, envErr := cfg.newFlagSet("test", "test", io.Discard, func(k string) string { return tt.env[k] }, commandSettings["ask"]...)
			if err := fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			err := errors.Join(envErr, cfg.validate())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("config error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c, err := assistantComposer(&cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			if c.Name() != tt.wantName {
				t.Errorf("composer %q, want %q", c.Name(), tt.wantName)
			}
			in := assistant.ComposeInput{Question: "who owns payments-api?",
				Sources: []assistant.Source{{Kind: "entity", Ref: "group:default/payments-team", Title: "payments-team"}},
				Facts:   []assistant.Fact{{Text: "payments-api is owned by payments-team", Sources: []int{1}}}}
			got, err := c.Compose(context.Background(), in, func(string) error { return nil })
			if err != nil || got.Notice != tt.wantNotice || !strings.Contains(got.Text, "payments-team") {
				t.Errorf("Compose: %+v, %v; want the fact with notice %q", got, err, tt.wantNotice)
			}
		})
	}
}
