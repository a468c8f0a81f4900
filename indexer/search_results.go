package indexer

import (
	"cmp"
	"slices"
	"strings"
)

// countFacets counts, for each field, how many of docs carry each value (a document
// counts once per value), sorted by count, highest first, then by value. Every field
// asked for is in the map, with no counts when no document has a value.
func countFacets(fields []string, docs []Document) map[string][]FacetCount {
	if len(fields) == 0 {
		return nil
	}
	out := make(map[string][]FacetCount, len(fields))
	for _, f := range fields {
		counts := make(map[string]int)
		for _, d := range docs {
			vals := d.Fields[f]
			if f == FieldSource {
				vals = []string{d.Source}
			}
			seen := make(map[string]bool, len(vals))
			for _, v := range vals {
				if v != "" && !seen[v] {
					seen[v] = true
					counts[v]++
				}
			}
		}
		fc := make([]FacetCount, 0, len(counts))
		for v, n := range counts {
			fc = append(fc, FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(fc, func(a, b FacetCount) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[f] = fc
	}
	return out
}

// visibleDocs returns the ranked hits whose document the store still holds, the audience
// may see and the filters accept, with those documents in the same order. Retrieval
// filters by audience and filters already, so this only drops documents deleted since
// they were indexed, or ones a faulty index let through (counted in leaked).
func visibleDocs(ranked []ChunkHit, stored map[string]Document, aud Audience, f Filters) (hits []ChunkHit, docs []Document, leaked int) {
	hits = make([]ChunkHit, 0, len(ranked))
	docs = make([]Document, 0, len(ranked))
	for _, h := range ranked {
		d, ok := stored[h.DocID]
		if !ok {
			continue
		}
		if !aud.CanSee(d.Visibility, d.Allowed) || !f.Matches(d.Fields, d.Source) {
			leaked++
			continue
		}
		hits = append(hits, h)
		docs = append(docs, d)
	}
	return hits, docs, leaked
}

// newResult builds the result of one ranked document from its best chunk; chunk is the
// zero StoredChunk when the store no longer holds it.
func newResult(h ChunkHit, d Document, chunk StoredChunk, terms map[string]bool) Result {
	r := Result{
		DocID:     d.ID,
		ChunkID:   h.ChunkID,
		Kind:      d.Kind,
		Source:    d.Source,
		EntityRef: d.EntityRef,
		Title:     d.Title,
		URL:       d.URL,
		Anchor:    chunk.Anchor,
		Heading:   chunk.Heading,
		Fields:    d.Fields,
		Score:     h.Score,
	}
	if chunk.Anchor != "" && d.Kind == KindDoc {
		r.URL += "#" + chunk.Anchor
	}
	r.Snippet, r.Highlights = makeSnippet(chunkBody(chunk), terms, snippetWidth)
	return r
}

// chunkBody is the chunk's text without the heading path line that ChunkMarkdown puts
// first: results show the heading on its own.
func chunkBody(c StoredChunk) string {
	if c.Heading == "" {
		return c.Text
	}
	if body, ok := strings.CutPrefix(c.Text, c.Heading+"\n\n"); ok && strings.TrimSpace(body) != "" {
		return body
	}
	return c.Text
}
