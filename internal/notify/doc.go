// Package notify delivers notifications (alerts, cost alerts) through a persisted outbox.
//
// Enqueue stores one delivery per configured channel, keyed by the message's idempotency Key,
// so enqueuing the same Key twice delivers once. A Worker claims due deliveries with a lease
// (FOR UPDATE SKIP LOCKED on PostgreSQL; the single writer on SQLite), sends each, and records
// the outcome under the same lease: sent, or retried later with exponential backoff and
// jitter, or dead after the last try. A dead delivery stays visible and can be re-sent.
//
// Channels are Slack incoming webhooks (Block Kit) and generic JSON webhooks whose body is
// signed with HMAC-SHA256 (see Sign and Verify).
package notify
