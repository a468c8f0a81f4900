package assistant

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nextportal/portal/indexer"
)

// docHits is how many search results a doc question reads.
const docHits = 5

// section is one retrieved piece of a document: a search result with its full chunk text.
type section struct {
	result indexer.Result
	text   string // the chunk's text, heading path line first
}

// searchSections runs a hybrid search for text as the asker and returns the best section of
// each of the top documents, with its text read from the document.
func (s *Service) searchSections(ctx context.Context, text string, filters indexer.Filters, limit int) ([]section, error) {
	if s.search == nil {
		return nil, nil
	}
	results, err := s.fusedSearch(ctx, text, filters, limit)
	if err != nil {
		return nil, err
	}
	out := make([]section, 0, len(results))
	for _, r := range results {
		sec := section{result: r, text: r.Snippet}
		if t, err := s.chunkText(ctx, r); err == nil {
			sec.text = t
		} else if !errors.Is(err, indexer.ErrNotFound) {
			return nil, err
		}
		out = append(out, sec)
	}
	return out, nil
}

// fusedSearch runs the hybrid search and a plain lexical one and fuses the two rankings
// (reciprocal rank): exact words of a how-to question ("SEV2", "Idempotency-Key") weigh
// as much as the hybrid ranking does, so the answer's first sources are at least as good
// as keyword search would give.
func (s *Service) fusedSearch(ctx context.Context, text string, filters indexer.Filters, limit int) ([]indexer.Result, error) {
	const k = 60.0
	score := map[string]float64{}
	byID := map[string]indexer.Result{}
	var order []string
	for _, mode := range []indexer.Mode{indexer.ModeHybrid, indexer.ModeLexical} {
		res, err := s.search.Search(ctx, indexer.Query{Text: text, Mode: mode, Filters: filters, Limit: limit})
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", text, err)
		}
		for i, r := range res.Results {
			if _, ok := byID[r.DocID]; !ok {
				byID[r.DocID] = r
				order = append(order, r.DocID)
			}
			score[r.DocID] += 1 / (k + float64(i+1))
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return score[order[i]] > score[order[j]] })
	out := make([]indexer.Result, 0, min(limit, len(order)))
	for _, id := range order[:min(limit, len(order))] {
		out = append(out, byID[id])
	}
	return out, nil
}

// chunkText reads the text of the result's best chunk from its document, chunked the way
// the indexer chunks it.
func (s *Service) chunkText(ctx context.Context, r indexer.Result) (string, error) {
	d, err := s.search.Document(ctx, r.DocID)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", r.DocID, err)
	}
	i := strings.LastIndex(r.ChunkID, "#")
	n, err := strconv.Atoi(r.ChunkID[i+1:])
	if i < 0 || err != nil {
		return d.Text, nil
	}
	chunks := indexer.ChunkMarkdown([]byte(d.Text), indexer.ChunkOptions{})
	if n < 0 || n >= len(chunks) {
		if strings.TrimSpace(d.Text) != "" && len(chunks) == 0 {
			return d.Text, nil
		}
		return r.Snippet, nil
	}
	// A long section is split into several chunks; the answer may sit in any of them, so
	// the whole section is read (its heading line once).
	c := chunks[n]
	var b strings.Builder
	for _, x := range chunks {
		if x.Anchor != c.Anchor || !slices.Equal(x.HeadingPath, c.HeadingPath) {
			continue
		}
		t := x.Text
		if b.Len() > 0 && len(x.HeadingPath) > 0 {
			if _, rest, ok := strings.Cut(t, "\n\n"); ok {
				t = rest
			}
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(t)
	}
	return b.String(), nil
}

// rerank moves the sections whose heading says what the question asks to the front: a
// runbook section called "Rotate the orders database password" answers "how do I rotate
// the orders database password" better than a postmortem that mentions it.
func rerank(question string, secs []section) []section {
	q := contentStems(question)
	if len(q) == 0 || len(secs) < 2 {
		return secs
	}
	key := make(map[int]float64, len(secs))
	for i, sec := range secs {
		h := contentStems(sec.result.Heading + " " + sec.result.Title)
		hit := 0
		for t := range q {
			if h[t] {
				hit++
			}
		}
		key[i] = float64(i) - 2.5*float64(hit)/float64(len(q))
	}
	idx := make([]int, len(secs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return key[idx[a]] < key[idx[b]] })
	out := make([]section, len(secs))
	for i, j := range idx {
		out[i] = secs[j]
	}
	return out
}

// sectionSource is the Source of a retrieved section.
func sectionSource(sec section) Source {
	r := sec.result
	title := r.Title
	if r.Heading != "" && !strings.EqualFold(r.Heading, r.Title) {
		title += " › " + r.Heading
	}
	kind := "doc"
	if r.Kind == indexer.KindEntity {
		kind = "entity"
	}
	ref := r.DocID
	if kind == "entity" && r.EntityRef != "" {
		ref = r.EntityRef
	}
	return Source{Kind: kind, Ref: ref, Title: title, URL: r.URL, Text: sec.text}
}
