package evals

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// AssistantReport holds the scores of an assistant eval set.
type AssistantReport struct {
	Set       string `json:"set"`
	Questions int    `json:"questions"`
	// Composers counts the answers by the composer that wrote them ("local",
	// "openai:<model>").
	Composers map[string]int `json:"composers"`
	// Accuracy is the share of answerable questions answered right: not abstained, every
	// expected entity named or cited, every phrase present, an answering page cited.
	Accuracy   float64 `json:"accuracy"`
	Answerable int     `json:"answerable"`
	// CitationPrecision is the share of the citations of answered answerable questions that
	// point at a source that supports the answer.
	CitationPrecision float64 `json:"citation_precision"`
	// AbstentionPrecision is the share of abstentions that were on unanswerable questions;
	// AbstentionRecall the share of unanswerable questions abstained on.
	AbstentionPrecision float64 `json:"abstention_precision"`
	AbstentionRecall    float64 `json:"abstention_recall"`
	Unanswerable        int     `json:"unanswerable"`
	// Top3 is the share of questions with answering pages whose first three citations
	// include one; BM25Top3 the share whose top three BM25 pages do.
	Top3      float64 `json:"top3_citation_hit"`
	BM25Top3  float64 `json:"bm25_top3_hit"`
	WithPages int     `json:"with_pages"`
	// Leaks counts answers that showed something the asker may not see.
	Leaks   int               `json:"leaks"`
	Types   []TypeScore       `json:"types"`
	Results []AssistantResult `json:"results"`
}

// TypeScore is the score of one question type: the share of its questions handled right
// (answered right, or abstained on when unanswerable).
type TypeScore struct {
	Type      string  `json:"type"`
	Questions int     `json:"questions"`
	Right     int     `json:"right"`
	Score     float64 `json:"score"`
}

func newAssistantReport(name string, rs []AssistantResult) AssistantReport {
	rep := AssistantReport{Set: name, Questions: len(rs), Results: rs, Composers: map[string]int{}}
	var right, sup, cites, abst, abstRight, top3, bm int
	byType := map[string]*TypeScore{}
	for _, r := range rs {
		rep.Composers[r.Composer]++
		t := byType[r.Type]
		if t == nil {
			t = &TypeScore{Type: r.Type}
			byType[r.Type] = t
		}
		t.Questions++
		if r.Right {
			t.Right++
		}
		answerable := r.Answerable
		if answerable {
			rep.Answerable++
			if r.Right {
				right++
			}
		} else {
			rep.Unanswerable++
		}
		if r.Abstained {
			abst++
			if !answerable {
				abstRight++
			}
		}
		sup += r.supporting
		cites += r.citations
		if r.Top3 != nil {
			rep.WithPages++
			if *r.Top3 {
				top3++
			}
			if r.BM25Top3 != nil && *r.BM25Top3 {
				bm++
			}
		}
		if len(r.Leaked) > 0 {
			rep.Leaks++
		}
	}
	rep.Accuracy = ratio(right, rep.Answerable)
	rep.CitationPrecision = ratio(sup, cites)
	rep.AbstentionPrecision = ratio(abstRight, abst)
	rep.AbstentionRecall = ratio(abstRight, rep.Unanswerable)
	rep.Top3 = ratio(top3, rep.WithPages)
	rep.BM25Top3 = ratio(bm, rep.WithPages)
	for _, t := range byType {
		t.Score = ratio(t.Right, t.Questions)
		rep.Types = append(rep.Types, *t)
	}
	sort.Slice(rep.Types, func(i, j int) bool { return rep.Types[i].Type < rep.Types[j].Type })
	return rep
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// WriteTable writes the summary, the per-type scores and the questions handled wrong.
func (r AssistantReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "set\t%s\t(%d questions; composers %v)\n", r.Set, r.Questions, r.Composers)
	fmt.Fprintf(tw, "answer accuracy\t%.3f\t(%d answerable)\n", r.Accuracy, r.Answerable)
	fmt.Fprintf(tw, "citation precision\t%.3f\t\n", r.CitationPrecision)
	fmt.Fprintf(tw, "abstention precision\t%.3f\t\n", r.AbstentionPrecision)
	fmt.Fprintf(tw, "abstention recall\t%.3f\t(%d unanswerable)\n", r.AbstentionRecall, r.Unanswerable)
	fmt.Fprintf(tw, "top-3 citation hit\t%.3f\t(BM25 top-3 pages %.3f, %d questions)\n", r.Top3, r.BM25Top3, r.WithPages)
	fmt.Fprintf(tw, "leaks\t%d\t\n\n", r.Leaks)
	fmt.Fprintln(tw, "type\tquestions\tright\tscore")
	for _, t := range r.Types {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\n", t.Type, t.Questions, t.Right, t.Score)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write assistant report: %w", err)
	}
	for _, x := range r.Results {
		if !x.Right || len(x.Leaked) > 0 {
			fmt.Fprintf(w, "\nWRONG %s [%s] %q: %s\n  %s\n", x.ID, x.Type, x.Q, x.Why, x.Answer)
		}
	}
	return nil
}

// WriteJSON writes the report as indented JSON.
func (r AssistantReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write assistant report json: %w", err)
	}
	return nil
}
