// Package evals runs offline evaluations: retrieval on BEIR-format datasets, assistant
// question answering, anomaly detection on the Numenta Anomaly Benchmark and forecast
// backtests.
//
// It holds no code yet: the indexer issue adds the first retrieval evals.
package evals
