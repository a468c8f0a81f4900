package evals_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/indexer"
)

// rankings is a Searcher that answers each query text with a fixed ranking per mode.
func rankings(byMode map[indexer.Mode]map[string][]string) evals.Searcher {
	return func(_ context.Context, query string, mode indexer.Mode, k int) ([]string, error) {
		if k != evals.Depth {
			return nil, errors.New("asked for the wrong depth")
		}
		r, ok := byMode[mode][query]
		if !ok {
			return nil, errors.New("unknown query")
		}
		return r, nil
	}
}

// TestEvaluateKeepsQueryID checks that a result with the query's own ID counts like any
// other: in the classic collections query 1 and document 1 are unrelated.
func TestEvaluateKeepsQueryID(t *testing.T) {
	ds := &evals.Dataset{
		Name:    "tiny",
		Queries: []evals.Query{{ID: "1", Text: "one"}},
		Qrels:   map[string]map[string]int{"1": {"2": 1}},
	}
	search := rankings(map[indexer.Mode]map[string][]string{indexer.ModeLexical: {"one": {"1", "2"}}})
	rep, err := evals.Evaluate(t.Context(), ds, search, []indexer.Mode{indexer.ModeLexical}, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if m := rep.Modes[0]; m.MRR10 != 0.5 || !slices.Equal(m.PerQuery[0].Top, []string{"1", "2"}) {
		t.Errorf("MRR@10 = %v, top %v; want 0.5 with document 1 kept at rank 1", m.MRR10, m.PerQuery[0].Top)
	}
}

func TestEvaluate(t *testing.T) {
	ds := &evals.Dataset{
		Name:    "tiny",
		Queries: []evals.Query{{ID: "q1", Text: "one"}, {ID: "q2", Text: "two"}},
		Qrels: map[string]map[string]int{
			"q1": {"a": 1},
			"q2": {"b": 2, "c": 1},
		},
	}
	// Search returns the corpus IDs with a "beir:" prefix, as a real BEIR index does.
	search := rankings(map[indexer.Mode]map[string][]string{
		indexer.ModeLexical: {
			"one": {"beir:a"},
			"two": {"beir:x", "beir:c"},
		},
		indexer.ModeHybrid: {
			// Duplicates are dropped before scoring.
			"one": {"beir:a", "beir:a"},
			"two": {"beir:b", "beir:b", "beir:c"},
		},
	})
	docID := func(id string) string { return "beir:" + id }
	rep, err := evals.Evaluate(t.Context(), ds, search, []indexer.Mode{indexer.ModeLexical, indexer.ModeHybrid}, docID)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	lex, ok := rep.Mode(indexer.ModeLexical)
	if !ok {
		t.Fatal("report has no lexical mode")
	}
	// q1: found at rank 1, all scores 1. q2: c (grade 1) at rank 2, b (grade 2) missed:
	// nDCG = (1/log2(3)) / (2 + 1/log2(3)) = 0.6309/2.6309, recall 1/2, RR 1/2.
	q2NDCG := 0.6309297535714575 / 2.6309297535714575
	wantLex := []float64{(1 + q2NDCG) / 2, (1 + 0.5) / 2, (1 + 0.5) / 2}
	for i, got := range []float64{lex.NDCG10, lex.Recall100, lex.MRR10} {
		if !near(got, wantLex[i]) {
			t.Errorf("lexical metric %d = %.6f, want %.6f", i, got, wantLex[i])
		}
	}
	hyb, _ := rep.Mode(indexer.ModeHybrid)
	if hyb.NDCG10 != 1 || hyb.Recall100 != 1 || hyb.MRR10 != 1 || hyb.Queries != 2 {
		t.Errorf("hybrid = %+v, want perfect scores over 2 queries", hyb)
	}
	if diff := cmp.Diff([]string{"beir:b", "beir:c"}, hyb.PerQuery[1].Top); diff != "" {
		t.Errorf("hybrid q2 top (-want +got):\n%s", diff)
	}
	if _, ok := rep.Mode(indexer.ModeVector); ok {
		t.Error("report has vector mode, which was not asked for")
	}

	t.Run("table", func(t *testing.T) {
		var b bytes.Buffer
		if err := rep.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		if len(lines) != 3 || !strings.Contains(lines[0], "nDCG@10") ||
			!strings.HasPrefix(lines[2], "tiny") || !strings.Contains(lines[2], "hybrid   2        1.0000   1.0000      1.0000") {
			t.Errorf("table:\n%s", b.String())
		}
	})
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := rep.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatalf("unmarshal %s: %v", b.String(), err)
		}
		modes := got["modes"].([]any)
		first := modes[0].(map[string]any)
		if got["dataset"] != "tiny" || len(modes) != 2 || first["mode"] != "lexical" ||
			first["queries"] != 2.0 || !near(first["mrr@10"].(float64), 0.75) || first["PerQuery"] != nil {
			t.Errorf("json = %s", b.String())
		}
	})
}

func TestEvaluateSearchError(t *testing.T) {
	ds := &evals.Dataset{Name: "tiny", Queries: []evals.Query{{ID: "q1", Text: "unknown"}}, Qrels: map[string]map[string]int{"q1": {"a": 1}}}
	search := rankings(map[indexer.Mode]map[string][]string{})
	_, err := evals.Evaluate(t.Context(), ds, search, []indexer.Mode{indexer.ModeVector}, nil)
	if err == nil || !strings.Contains(err.Error(), "query q1 in mode vector: unknown query") {
		t.Errorf("Evaluate error = %v, want the failing query and mode named", err)
	}
}
