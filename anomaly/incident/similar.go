package incident

import (
	"context"
	"strings"
)

// Similar returns up to n past incidents most like inc, excluding inc itself, only those
// the caller may see: first those of the same entities (resolved ones with a known
// resolution first, newest first), then the best text and vector matches of its title,
// summary and root cause.
func (s *Service) Similar(ctx context.Context, inc Incident, n int) ([]Incident, error) {
	if n <= 0 {
		return nil, nil
	}
	picked := map[string]bool{inc.ID: true}
	var same, rest []Incident
	for _, e := range inc.Entities {
		got, err := s.List(ctx, Query{Entity: e, Limit: 4 * n})
		if err != nil {
			return nil, err
		}
		for _, g := range got {
			if !picked[g.ID] {
				picked[g.ID] = true
				same = append(same, g)
			}
		}
	}
	// Past incidents that say how they were fixed are the useful ones.
	var fixed, unfixed []Incident
	for _, g := range same {
		if g.Resolution != "" || g.RootCause != "" {
			fixed = append(fixed, g)
		} else {
			unfixed = append(unfixed, g)
		}
	}
	out := append(fixed, unfixed...)
	if len(out) >= n || s.search == nil {
		return out[:min(n, len(out))], nil
	}
	ids, err := s.search.SearchIncidents(ctx, SimilarityText(inc), 3*n)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if picked[id] {
			continue
		}
		picked[id] = true
		g, err := s.Get(ctx, id)
		if err != nil {
			continue // gone or not visible since indexing
		}
		rest = append(rest, g)
	}
	out = append(out, rest...)
	return out[:min(n, len(out))], nil
}

// SimilarityText is the text an incident is matched on: title, summary, root cause and the
// names of its entities.
func SimilarityText(inc Incident) string {
	var b strings.Builder
	b.WriteString(inc.Title)
	for _, t := range []string{inc.Summary, inc.RootCause} {
		if t != "" {
			b.WriteString("\n")
			b.WriteString(t)
		}
	}
	for _, e := range inc.Entities {
		_, name, _ := strings.Cut(e, "/")
		b.WriteString(" ")
		b.WriteString(name)
	}
	return b.String()
}
