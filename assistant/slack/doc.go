// Package slack is the assistant in Slack: it verifies Slack's signed requests, turns slash
// commands (/portal ask …), app mentions and direct messages into persisted jobs, and a
// worker answers each job once through the assistant pipeline, as the portal user the
// Slack user maps to, posting Block Kit replies in the right thread.
//
// The HTTP routes live in package api; this package holds everything else, so it can be
// tested without gin. It uses github.com/slack-go/slack for event parsing, Block Kit and
// the Web API client.
package slack
