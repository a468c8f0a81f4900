package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/assistant/slack"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkSlackCommand serves the demo org with the Slack bot in front of the local
// composer, over real HTTP with a local server playing Slack. Each op is one signed
// /portal ask: its ack latency is measured (p50/p99, what Slack's 3 s limit is about),
// then the worker answers every queued command — users.info, the pipeline, the
// response_url post — and answers/s is reported.
func BenchmarkSlackCommand(b *testing.B) {
	gin.SetMode(gin.TestMode)
	ctx := auth.NewContext(b.Context(), auth.System())
	db := storetest.New(b)
	root := b.TempDir()
	orgDir, err := demo.Extract(filepath.Join(root, "demo"))
	if err != nil {
		b.Fatal(err)
	}
	cat := catalog.NewService(db, []string{root})
	if _, _, err := cat.Import(ctx, orgDir); err != nil {
		b.Fatalf("import the demo org: %v", err)
	}
	idx, err := indexer.Open(ctx, indexer.Options{Store: db, Vectors: db.VectorIndex(),
		BleveDir: filepath.Join(b.TempDir(), "bleve"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	if _, err := idx.Index(ctx, []indexer.Source{indexer.NewCatalogSource(cat), indexer.NewTechDocsSource(cat, []string{root})}, nil); err != nil {
		b.Fatalf("index the demo org: %v", err)
	}
	svc, err := assistant.New(assistant.Deps{Catalog: cat, Search: idx, Store: db})
	if err != nil {
		b.Fatal(err)
	}
	authSvc := auth.NewService(auth.Options{Store: db, Directory: cat})
	if _, err := authSvc.AddUser(ctx, auth.NewUser{Name: "bench", Email: "bench@fernway.example", Role: auth.RoleViewer}); err != nil {
		b.Fatal(err)
	}
	fake := newFakeSlack(b)
	fake.emails["UBENCH"] = "bench@fernway.example"
	bot, err := slack.New(slack.Config{SigningSecret: slackSecret, BotToken: "xoxb-bench", APIURL: fake.srv.URL + "/api/",
		BaseURL: portalBase, Logger: slog.New(slog.DiscardHandler)}, svc, authSvc, db)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api.NewServer(api.Deps{Catalog: cat, Search: idx, Assistant: svc, Slack: bot, Auth: authSvc,
		Logger: slog.New(slog.DiscardHandler)}))
	b.Cleanup(srv.Close)
	questions := benchQuestions(b, cat)
	client := &http.Client{}
	trigger := 0

	b.Run("ack", func(b *testing.B) {
		acks := make([]time.Duration, 0, b.N)
		for i := range b.N {
			trigger++
			form := url.Values{"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {"UBENCH"}, "command": {"/portal"},
				"text": {"ask " + questions[i%len(questions)]}, "response_url": {fake.srv.URL + "/response/bench"},
				"trigger_id": {fmt.Sprintf("bench-%d", trigger)}}.Encode()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/commands", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range slack.SignHeader(slackSecret, time.Now(), []byte(form)) {
				req.Header[k] = v
			}
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			acks = append(acks, time.Since(start))
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("ack status %d", resp.StatusCode)
			}
		}
		b.ReportMetric(ms(percentile(acks, 50)), "ack-p50-ms")
		b.ReportMetric(ms(percentile(acks, 99)), "ack-p99-ms")
		b.ReportMetric(ms(slices.Max(acks)), "ack-max-ms")
	})

	// The worker answers b.N queued commands (those the acks left are answered first,
	// untimed).
	b.Run("answer", func(b *testing.B) {
		drain := func() int {
			answered := 0
			for {
				n, err := bot.RunOnce(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					return answered
				}
				answered += n
			}
		}
		drain()
		for i := range b.N {
			trigger++
			r := slack.Request{Kind: slack.KindCommand, Team: "T1", Channel: "C1", User: "UBENCH",
				Text: questions[i%len(questions)], ResponseURL: fake.srv.URL + "/response/bench"}
			if _, err := db.EnqueueSlackJob(b.Context(), slack.Job{Key: fmt.Sprintf("command:bench-%d", trigger), Request: r}); err != nil {
				b.Fatal(err)
			}
		}
		before := len(fake.Posts())
		b.ResetTimer()
		start := time.Now()
		answered := drain()
		elapsed := time.Since(start)
		if answered != b.N || len(fake.Posts())-before < b.N {
			b.Fatalf("%d of %d jobs answered, %d posted", answered, b.N, len(fake.Posts())-before)
		}
		b.ReportMetric(float64(answered)/elapsed.Seconds(), "answers/s")
	})
}
