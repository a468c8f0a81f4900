// Package alert turns incidents into alerts and alerts into notifications.
//
// Rules say which incidents alert: which entities (refs, kinds, owner, or a label
// selector), series, incident labels and sources, the minimum severity, how long an incident
// must stay open before its alert fires, how often a firing alert is repeated, and on which
// channels. The Service follows the incidents' change feed (incident.Service.Changed) from a
// persisted cursor and keeps one alert per rule and incident, updated in place as the
// incident grows, so a burst of anomalies is one alert. An alert is pending, firing,
// acknowledged, snoozed or resolved; every notified state change bumps its version and
// enqueues, in the same transaction, one outbox message keyed alert:<id>:<version>.
//
// Each alert carries what the on-call engineer needs: the entity, its owner, the on-call
// group, the chart link, the two most similar past incidents with their resolution, and the
// runbook link.
package alert
