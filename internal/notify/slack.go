package notify

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Block Kit limits (Slack refuses a message beyond them).
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
	slackFieldMax   = 2000
	slackFieldsMax  = 10
)

// SlackMessage renders m as an incoming-webhook message: a header with the title, the text,
// the fields two by two, and the links as a context line. Text is the plain fallback shown
// in notifications.
func SlackMessage(m Message) *slack.WebhookMessage {
	title := m.Title
	if m.Severity != "" {
		title = "[" + strings.ToUpper(m.Severity) + "] " + title
	}
	blocks := []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, cut(title, slackHeaderMax), false, false))}
	if m.Text != "" {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, cut(m.Text, slackSectionMax), false, false), nil, nil))
	}
	for i := 0; i < len(m.Fields); i += slackFieldsMax {
		var fields []*slack.TextBlockObject
		for _, f := range m.Fields[i:min(i+slackFieldsMax, len(m.Fields))] {
			fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, cut("*"+escapeSlack(f.Name)+"*\n"+escapeSlack(f.Value), slackFieldMax), false, false))
		}
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	if len(m.Links) > 0 {
		var links []string
		for _, l := range m.Links {
			links = append(links, "<"+l.URL+"|"+escapeSlack(strings.ReplaceAll(l.Title, "|", "/"))+">")
		}
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, cut(strings.Join(links, " · "), slackSectionMax), false, false), nil, nil))
	}
	return &slack.WebhookMessage{Text: cut(title, slackSectionMax), Blocks: &slack.Blocks{BlockSet: blocks}}
}

// sendSlack posts the delivery to a Slack incoming webhook.
func (o *Outbox) sendSlack(ctx context.Context, c Channel, d Delivery) error {
	if err := slack.PostWebhookCustomHTTPContext(ctx, c.URL, o.o.HTTPClient, SlackMessage(d.Message)); err != nil {
		return fmt.Errorf("post slack webhook: %w", err)
	}
	return nil
}

// escapeSlack escapes the three characters mrkdwn treats as control characters.
func escapeSlack(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// cut shortens s to at most n characters, marking a cut with an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
