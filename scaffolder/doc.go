// Package scaffolder runs Backstage scaffolder.backstage.io/v1beta3 software templates:
// parameters as JSON Schema, steps with built-in actions, tasks with an event log, dry runs.
//
// It holds no code yet: a later issue builds it.
package scaffolder
