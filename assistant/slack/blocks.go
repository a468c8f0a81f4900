package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/nextportal/portal/assistant"
)

// Slack's limits: a section's text, and the blocks of one message (50; a few are kept
// for the sources, notice and buttons).
const (
	maxSectionText   = 3000
	maxAnswerBlocks  = 45
	linkAccountHowTo = "You are not linked to a portal account, so this answer uses public information only. " +
		"To link, ask a portal admin to give your portal user (or your catalog User's profile) the email of your Slack account."
)

// message is one Slack message of an answer: its blocks and the plain-text fallback.
type message struct {
	blocks []slackgo.Block
	text   string
}

// messages lays an answer out as Block Kit: the answer (split into sections, and into
// several messages past Slack's block limit), then, on the last message, its sources as
// links to the portal, a notice if any, and feedback buttons for the turn.
func (b *Bot) messages(a Answered) []message {
	chunks := splitText(a.Answer.Answer, maxSectionText)
	var out []message
	for len(chunks) > 0 {
		n := min(len(chunks), maxAnswerBlocks)
		var m message
		for _, c := range chunks[:n] {
			m.blocks = append(m.blocks, slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, c, false, false), nil, nil))
		}
		m.text = fallback(chunks[0])
		out = append(out, m)
		chunks = chunks[n:]
	}
	last := &out[len(out)-1]
	if src := b.sourcesText(a.Answer.Citations); src != "" {
		last.blocks = append(last.blocks, slackgo.NewContextBlock("sources", slackgo.NewTextBlockObject(slackgo.MarkdownType, src, false, false)))
	}
	var notes []string
	if a.Answer.Notice != "" {
		notes = append(notes, a.Answer.Notice)
	}
	if !a.Linked {
		notes = append(notes, linkAccountHowTo)
	}
	if len(notes) > 0 {
		last.blocks = append(last.blocks, slackgo.NewContextBlock("notice",
			slackgo.NewTextBlockObject(slackgo.MarkdownType, truncate(strings.Join(notes, "\n"), maxSectionText), false, false)))
	}
	if a.Answer.ConversationID != "" {
		value := fmt.Sprintf("%s:%d", a.Answer.ConversationID, a.Turn)
		last.blocks = append(last.blocks, slackgo.NewActionBlock("feedback",
			slackgo.NewButtonBlockElement(actionUp, value, slackgo.NewTextBlockObject(slackgo.PlainTextType, "👍 Helpful", true, false)),
			slackgo.NewButtonBlockElement(actionDown, value, slackgo.NewTextBlockObject(slackgo.PlainTextType, "👎 Not helpful", true, false))))
	}
	return out
}

// sourcesText lists citations as "[n] <url|title>" links to the portal.
func (b *Bot) sourcesText(cs []assistant.Citation) string {
	var parts []string
	for _, c := range cs {
		title := escape(c.Title)
		if title == "" {
			title = escape(c.Ref)
		}
		link := c.URL
		if strings.HasPrefix(link, "/") {
			link = b.cfg.BaseURL + link
		}
		if link != "" {
			parts = append(parts, fmt.Sprintf("[%d] <%s|%s>", c.N, link, title))
		} else {
			parts = append(parts, fmt.Sprintf("[%d] %s", c.N, title))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return truncate("*Sources:* "+strings.Join(parts, "  "), maxSectionText)
}

// escape escapes Slack's control characters in text shown inside a link or mrkdwn.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "¦").Replace(s)
}

// splitText cuts s into pieces of at most max runes, at a paragraph, line or word break
// where there is one; an empty s is one empty-answer piece.
func splitText(s string, max int) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return []string{"_(no answer)_"}
	}
	var out []string
	for utf8.RuneCountInString(s) > max {
		cut := byteIndexOfRune(s, max)
		head := s[:cut]
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > cut/2 {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// byteIndexOfRune is the byte offset of s's n-th rune.
func byteIndexOfRune(s string, n int) int {
	i := 0
	for j := range s {
		if i == n {
			return j
		}
		i++
	}
	return len(s)
}

// truncate shortens s to max runes.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return s[:byteIndexOfRune(s, max-1)] + "…"
}

// fallback is a message's notification text: its first line, shortened.
func fallback(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return truncate(line, 300)
}
