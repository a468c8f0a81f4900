package indexer

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
)

// errLexicalClosed is returned by a lexicalIndex used after Close or a failed reset.
var errLexicalClosed = errors.New("bleve index is closed")

// indexedDoc is what the index holds of one document: its Hash and its chunk count.
type indexedDoc struct {
	hash   string
	chunks int
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
	b := x.idx.NewBatch()
	// pending holds the state this batch gives documents it has already seen, since a
	// document may change more than once in one page of the feed.
	pending := make(map[string]indexedDoc)
	for _, c := range changes {
		prev, ok := pending[c.DocID]
		if !ok {
			var err error
			if prev, err = x.indexed(c.DocID); err != nil {
				return err
			}
		}
		next, err := x.applyOne(b, c, prev)
		if err != nil {
			return err
		}
		pending[c.DocID] = next
	}
	last := changes[len(changes)-1].Seq
	b.SetInternal([]byte(keySeq), []byte(strconv.FormatInt(last, 10)))
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("apply changes up to seq %d to bleve: %w", last, err)
	}
	return nil
}

// applyOne adds change c to b, given what the index holds of the document, and returns
// what it will hold once b is applied.
func (x *lexicalIndex) applyOne(b *bleve.Batch, c Change, prev indexedDoc) (indexedDoc, error) {
	if !c.Deleted && c.Document.Hash != "" && c.Document.Hash == prev.hash && len(c.Chunks) == prev.chunks {
		return prev, nil
	}
	for i := range prev.chunks {
		b.Delete(c.DocID + "#" + strconv.Itoa(i))
	}
	if c.Deleted {
		b.DeleteInternal([]byte(keyHash + c.DocID))
		b.DeleteInternal([]byte(keyCount + c.DocID))
		return indexedDoc{}, nil
	}
	for _, ch := range c.Chunks {
		// Index after Delete of the same id replaces it: a batch keeps the last operation.
		if err := b.Index(ch.ID, chunkFields(c.Document, ch)); err != nil {
			return prev, fmt.Errorf("index chunk %s: %w", ch.ID, err)
		}
	}
	b.SetInternal([]byte(keyHash+c.DocID), []byte(c.Document.Hash))
	b.SetInternal([]byte(keyCount+c.DocID), []byte(strconv.Itoa(len(c.Chunks))))
	return indexedDoc{hash: c.Document.Hash, chunks: len(c.Chunks)}, nil
}

// indexed reads what the index holds of document id.
func (x *lexicalIndex) indexed(id string) (indexedDoc, error) {
	h, err := x.idx.GetInternal([]byte(keyHash + id))
	if err != nil {
		return indexedDoc{}, fmt.Errorf("read bleve hash of %s: %w", id, err)
	}
	n, err := x.idx.GetInternal([]byte(keyCount + id))
	if err != nil {
		return indexedDoc{}, fmt.Errorf("read bleve chunk count of %s: %w", id, err)
	}
	d := indexedDoc{hash: string(h)}
	if len(n) > 0 {
		if d.chunks, err = strconv.Atoi(string(n)); err != nil {
			return indexedDoc{}, fmt.Errorf("read bleve chunk count of %s %q: %w", id, n, err)
		}
	}
	return d, nil
}
