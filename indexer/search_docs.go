package indexer

import (
	"context"
	"fmt"
	"sync"
)

// maxCachedDocs bounds the documents docCache holds; past it the cache starts over.
const maxCachedDocs = 200_000

// docCache keeps the documents search has read from the store (as DocumentsByIDs gives
// them, without their text) for as long as the store's last change number stays the same.
// Search reads every ranked document to check who may see it and to count facets; reading
// and decoding hundreds of rows per query was a fifth of its cost, and the answer only
// changes when the store does.
type docCache struct {
	mu   sync.Mutex
	seq  int64
	docs map[string]Document
}

// documents returns the stored, live documents of ids, as Store.DocumentsByIDs does:
// from the cache when the store has not changed since they were read.
func (s *Service) documents(ctx context.Context, ids []string) (map[string]Document, error) {
	seq, err := s.lastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("read documents: %w", err)
	}
	c := &s.docs
	out := make(map[string]Document, len(ids))
	var missing []string
	c.mu.Lock()
	if c.docs == nil || c.seq != seq {
		c.docs, c.seq = make(map[string]Document), seq
	}
	for _, id := range ids {
		if d, ok := c.docs[id]; ok {
			out[id] = d
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	got, err := s.store.DocumentsByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Documents read after a newer change may be newer than seq says, never older: the
	// next reader sees the newer seq and starts over. Once another reader has started over,
	// these may be older than its seq, so they are not kept.
	keep := c.seq == seq
	if keep && len(c.docs)+len(got) > maxCachedDocs {
		c.docs = make(map[string]Document)
	}
	for id, d := range got {
		out[id] = d
		if keep {
			c.docs[id] = d
		}
	}
	return out, nil
}

// seqKey is the context key of the store's last change number as a search read it when
// it started (Search): its steps key their caches on that one read rather than ask the
// store again, a round trip each on PostgreSQL. What they read after it may be newer than
// it says, never older, as with a fresh read.
type seqKey struct{}

// lastSeq returns the store's last change number: the one the running search read, else
// the store's.
func (s *Service) lastSeq(ctx context.Context) (int64, error) {
	if seq, ok := ctx.Value(seqKey{}).(int64); ok {
		return seq, nil
	}
	return s.store.LastSeq(ctx)
}

// maxCachedTextBytes bounds the text textCache holds; past it the cache starts over.
const maxCachedTextBytes = 32 << 20

// textCache keeps the texts of documents search has read (docTexts) for as long as the
// store's last change number and the keyword index's (which lists a document's chunks)
// stay the same, like docCache: feedback and proximity read the texts of the top
// documents of every hybrid query, and reading and joining their chunks was a tenth of
// its cost.
type textCache struct {
	mu    sync.Mutex
	seq   textSeq
	bytes int
	texts map[string]string
}

// textSeq is the state document texts were read at: the store's and the keyword index's
// last change numbers.
type textSeq struct{ store, lex int64 }

// get returns the texts of ids kept for seq and the ids it does not hold.
func (c *textCache) get(seq textSeq, ids []string) (map[string]string, []string) {
	out := make(map[string]string, len(ids))
	var missing []string
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq != seq {
		c.seq, c.bytes, c.texts = seq, 0, nil
	}
	for _, id := range ids {
		if t, ok := c.texts[id]; ok {
			out[id] = t
		} else {
			missing = append(missing, id)
		}
	}
	return out, missing
}

// put keeps texts read at seq, unless the cache has moved on to another seq since (the
// texts may be older than it).
func (c *textCache) put(seq textSeq, texts map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq != seq {
		return
	}
	for id, t := range texts {
		if c.texts == nil || c.bytes+len(t) > maxCachedTextBytes {
			c.texts, c.bytes = make(map[string]string), 0
		}
		c.texts[id] = t
		c.bytes += len(id) + len(t)
	}
}

// Version names the state searches answer from: the store's last change, the changes the
// keyword and vector indexes have applied, the keyword index's epoch and the embedder's
// model. Within an epoch the change numbers only move forward (a keyword index rebuilt
// from the store holds at a change number what it held there before), so two reads that
// give the same version saw the same state in between: a search run after reading a
// version answers as any other search with the same query and audience under it (a cache
// may key on it). It fails when there is no index to search.
func (s *Service) Version(ctx context.Context) (string, error) {
	if s.lex == nil {
		return "", fmt.Errorf("search version: %w", ErrIndexLocked)
	}
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return "", fmt.Errorf("search version: %w", err)
	}
	lex, epoch, err := s.lex.state()
	if err != nil {
		return "", fmt.Errorf("search version: %w", err)
	}
	var flat int64 = -1
	if s.flat != nil {
		flat = s.flat.lastSeq()
	}
	return fmt.Sprintf("%d/%d/%d/%s/%s", last, lex, flat, epoch, s.emb.current().Model()), nil
}
