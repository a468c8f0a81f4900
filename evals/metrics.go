package evals

import (
	"math"
	"slices"
)

// The metrics follow trec_eval as pytrec_eval and BEIR run it: ranked is a result list,
// best first, without duplicates; judged maps a document ID to its graded relevance, and a
// document is relevant when its grade is above zero. Unjudged documents count as not
// relevant.

// NDCG returns nDCG@k with linear gains: DCG sums rel / log2(rank+1) over the first k
// results, and the ideal DCG does the same over all of the query's judgments sorted by
// grade. It is 0 when the query has no relevant document.
func NDCG(ranked []string, judged map[string]int, k int) float64 {
	var dcg float64
	for i, id := range top(ranked, k) {
		if rel := judged[id]; rel > 0 {
			dcg += float64(rel) / math.Log2(float64(i+2))
		}
	}
	var grades []int
	for _, rel := range judged {
		if rel > 0 {
			grades = append(grades, rel)
		}
	}
	slices.SortFunc(grades, func(a, b int) int { return b - a })
	var ideal float64
	for i, rel := range top(grades, k) {
		ideal += float64(rel) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// Recall returns Recall@k: the share of the query's relevant documents among the first k
// results. It is 0 when the query has no relevant document.
func Recall(ranked []string, judged map[string]int, k int) float64 {
	relevant := 0
	for _, rel := range judged {
		if rel > 0 {
			relevant++
		}
	}
	if relevant == 0 {
		return 0
	}
	found := 0
	for _, id := range top(ranked, k) {
		if judged[id] > 0 {
			found++
		}
	}
	return float64(found) / float64(relevant)
}

// MRR returns the reciprocal rank of the first relevant document among the first k
// results (MRR@k for one query), or 0 when there is none.
func MRR(ranked []string, judged map[string]int, k int) float64 {
	for i, id := range top(ranked, k) {
		if judged[id] > 0 {
			return 1 / float64(i+1)
		}
	}
	return 0
}

func top[T any](s []T, k int) []T {
	if k >= 0 && len(s) > k {
		return s[:k]
	}
	return s
}

// mean returns the arithmetic mean of xs, 0 for none.
func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}
