// Package anomaly holds streaming anomaly detectors for metric series, built on gonum.
//
// A Detector sees each point of one series once, in time order, and scores it from the past
// only: a score in [0, 1], higher meaning more anomalous. Every detector turns a raw surprise
// (a robust z-score, a forecast residual, a change-point statistic) into a probability the way
// Numenta's anomaly likelihood does: the recent average surprise is compared with the
// distribution of surprises over a long window, and its Gaussian tail probability becomes the
// score. A detection suppresses the ones that follow it for a while, because an incident is
// worth one alarm. One global Config serves every series: nothing is tuned per series.
package anomaly
