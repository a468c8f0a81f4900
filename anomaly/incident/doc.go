// Package incident turns signals into incidents: the portal's own anomalies (grouped per
// entity, series and time, so a burst is one incident), Alertmanager webhooks, PagerDuty
// Events API v2-shaped events and postmortem markdown. Incidents are stored with a timeline
// and a change sequence (Seq) that the alerts engine follows, and every incident is an
// indexer document so new incidents find similar past ones and the assistant can cite them.
package incident
