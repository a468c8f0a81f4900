// Package evals runs offline evaluations. So far it holds the retrieval evals: LoadBEIR
// reads the queries and graded judgments of a BEIR-format dataset, NDCG, Recall and MRR
// score one ranking the way trec_eval (pytrec_eval, BEIR) does, and Evaluate runs every
// query through a Searcher in each search mode and reports the means as a table or JSON.
//
// testdata/demo is our own set over the demo organisation, judged by hand; `portal eval
// retrieval --beir DIR` runs any BEIR dataset. Assistant question answering, anomaly
// detection on the Numenta Anomaly Benchmark and forecast backtests will follow.
package evals
