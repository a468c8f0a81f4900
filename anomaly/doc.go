// Package anomaly holds metric series, anomaly detectors on gonum, incidents, the lookup
// of similar past incidents and alert rules.
//
// It holds no code yet: a later issue builds it.
package anomaly
