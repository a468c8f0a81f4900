// Package evals runs offline evaluations. So far it holds the retrieval evals: LoadBEIR
// reads the queries and graded judgments of a BEIR-format dataset, NDCG, Recall and MRR
// score one ranking the way trec_eval (pytrec_eval, BEIR) does, and Evaluate runs every
// query through a Searcher in each search mode and reports the means as a table or JSON.
//
// testdata/demo is our own set over the demo organisation, judged by hand; `portal eval
// retrieval --beir DIR` runs any BEIR dataset.
//
// The assistant evals: LoadAssistantSet reads a JSONL set of judged questions (expected
// entities, phrases, answering pages, what must not leak, who asks, follow-up chains) and
// EvaluateAssistant asks them and reports answer accuracy, citation precision, abstention
// precision and recall, the how-to top-3 citation hit rate beside plain BM25's, leaks and
// the score per question type. testdata/assistant holds our sets over the demo
// organisation and Backstage's example org. Anomaly detection on the Numenta Anomaly
// Benchmark and forecast backtests will follow.
package evals
