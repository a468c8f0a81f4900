package indexer

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// indexedPage is how many chunks apply reads at a time to find those of changed documents.
const indexedPage = 10_000

// errLexicalClosed is returned by a lexicalIndex used after Close or a failed reset.
var errLexicalClosed = errors.New("bleve index is closed")

// indexedDoc is what the index holds of one document: its Hash, its chunk IDs and their
// share of the BM25 statistics.
type indexedDoc struct {
	hash   string
	chunks []string
	lens   lens
}

// apply writes changes (in Seq order) to the index in one batch, together with the Seq
// of the last one, so that the index is always consistent with the Seq it records. A
// document whose Hash is the one indexed is skipped: bleve holds nothing a Hash does not
// cover (vectors may change without it, but they are not in bleve).
func (x *lexicalIndex) apply(changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return errLexicalClosed
	}
	// state starts as what the index holds of the changed documents and follows the
	// batch, since a document may change more than once in one page of the feed.
	state, err := x.indexed(changes)
	if err != nil {
		return err
	}
	stats, err := x.stats()
	if err != nil {
		return err
	}
	b := x.idx.NewBatch()
	for _, c := range changes {
		prev := state[c.DocID]
		next, err := applyOne(b, c, prev)
		if err != nil {
			return err
		}
		stats = stats.sub(prev.lens).add(next.lens)
		state[c.DocID] = next
	}
	b.SetInternal([]byte(keyStats), []byte(stats.String()))
	last := changes[len(changes)-1].Seq
	b.SetInternal([]byte(keySeq), []byte(strconv.FormatInt(last, 10)))
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("apply changes up to seq %d to bleve: %w", last, err)
	}
	return nil
}

// applyOne adds change c to b, given what the index holds of the document, and returns
// what it will hold once b is applied.
func applyOne(b *bleve.Batch, c Change, prev indexedDoc) (indexedDoc, error) {
	if !c.Deleted && c.Document.Hash != "" && c.Document.Hash == prev.hash && len(c.Chunks) == len(prev.chunks) {
		return prev, nil
	}
	for _, id := range prev.chunks {
		b.Delete(id)
	}
	if c.Deleted {
		return indexedDoc{}, nil
	}
	next := indexedDoc{hash: c.Document.Hash, chunks: make([]string, len(c.Chunks))}
	for i, ch := range c.Chunks {
		// Index after Delete of the same id replaces it: a batch keeps the last operation.
		fields, l := chunkFields(c.Document, ch)
		if err := b.Index(ch.ID, fields); err != nil {
			return prev, fmt.Errorf("index chunk %s: %w", ch.ID, err)
		}
		next.chunks[i] = ch.ID
		next.lens = next.lens.add(l)
	}
	return next, nil
}

// indexed returns what the index holds of the documents of changes, found by their
// doc_id (every chunk) and doc_hash (stored on every chunk) fields. Keeping this per
// document as internal keys instead would be simpler, but scorch rewrites every internal
// key each time it persists a snapshot, which grows quadratic with the corpus.
func (x *lexicalIndex) indexed(changes []Change) (map[string]indexedDoc, error) {
	out := make(map[string]indexedDoc, len(changes))
	ids := make([]string, 0, len(changes))
	for _, c := range changes {
		if _, ok := out[c.DocID]; !ok {
			out[c.DocID] = indexedDoc{}
			ids = append(ids, c.DocID)
		}
	}
	req := bleve.NewSearchRequestOptions(exactTerms(fieldDocID, ids), indexedPage, 0, false)
	req.Fields = []string{fieldDocHash, fieldLens}
	req.Sort = search.SortOrder{&search.SortDocID{}}
	for {
		res, err := x.idx.Search(req)
		if err != nil {
			return nil, fmt.Errorf("find indexed chunks of %d documents: %w", len(ids), err)
		}
		for _, h := range res.Hits {
			id := docIDOf(h.ID)
			d := out[id]
			d.chunks = append(d.chunks, h.ID)
			if hash, ok := h.Fields[fieldDocHash].(string); ok {
				d.hash = hash
			}
			stored, _ := h.Fields[fieldLens].(string)
			l, err := parseLens(stored)
			if err != nil {
				return nil, fmt.Errorf("chunk %s: %w", h.ID, err)
			}
			d.lens = d.lens.add(l)
			out[id] = d
		}
		req.From += len(res.Hits)
		if len(res.Hits) == 0 || uint64(req.From) >= res.Total {
			return out, nil
		}
	}
}

// exactTerms matches documents whose keyword field holds any of values exactly: document
// IDs keep their case (docs/README.md), unlike the lowercased filter values anyTerm matches.
func exactTerms(field string, values []string) query.Query {
	d := bleve.NewDisjunctionQuery()
	for _, v := range values {
		t := bleve.NewTermQuery(v)
		t.SetField(field)
		d.AddQuery(t)
	}
	return d
}
