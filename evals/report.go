package evals

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report as an aligned text table, one row per mode:
//
//	dataset  mode     queries  nDCG@10  Recall@100  MRR@10
//	demo     lexical  72       0.5123   0.9012      0.4801
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\tmode\tqueries\tnDCG@10\tRecall@100\tMRR@10")
	for _, m := range r.Modes {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.4f\t%.4f\t%.4f\n", r.Dataset, m.Mode, m.Queries, m.NDCG10, m.Recall100, m.MRR10)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report table: %w", err)
	}
	return nil
}

// String returns the report as WriteTable writes it.
func (r Report) String() string {
	var b strings.Builder
	r.WriteTable(&b)
	return b.String()
}

// WriteJSON writes the report as one indented JSON object:
// {"dataset": ..., "modes": [{"mode", "queries", "ndcg@10", "recall@100", "mrr@10"}]}.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report json: %w", err)
	}
	return nil
}
