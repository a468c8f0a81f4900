package indexer

import (
	"math"
	"sync"

	"github.com/nextportal/portal/auth"
)

// FlatIndex is an in-process, exact vector index: every search scans all the chunks of
// the query's model that the caller may see and that pass the filters, so a filter never
// shortens a page. It follows the store's change feed (see Service.Sync) and implements
// VectorIndex; it is the default on SQLite, where an exact scan is fast enough for about
// 10^5 chunks. It is safe for concurrent use.
type FlatIndex struct {
	mu sync.RWMutex
	// chunks holds the embedded chunks; those of one document are added together, so
	// they are mostly adjacent, which lets a scan check each document's access once.
	chunks []flatChunk
	pos    map[string]int      // chunk ID → index in chunks
	docs   map[string][]string // doc ID → its chunk IDs held
	models map[string]string   // interned model names
	seq    int64               // the last change Seq applied
}

// flatChunk is one embedded chunk.
type flatChunk struct {
	id    string
	doc   *flatDoc
	model string
	vec   []float32
	norm  float32 // L2 norm of vec
}

// flatDoc is what a search needs of a chunk's document: who may see it and its filter
// fields. All chunks of a document share one.
type flatDoc struct {
	id         string
	source     string
	fields     map[string][]string
	visibility auth.Visibility
	allowed    []string
}

// NewFlatIndex returns an empty FlatIndex.
func NewFlatIndex() *FlatIndex {
	return &FlatIndex{
		pos:    make(map[string]int),
		docs:   make(map[string][]string),
		models: make(map[string]string),
	}
}

// apply replaces the chunk vectors of each changed document (removes them for a deleted
// one), in Seq order, and records the last Seq. Chunks without a vector are not held.
func (f *FlatIndex) apply(changes []Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range changes {
		f.removeDoc(c.DocID)
		if !c.Deleted {
			f.addDoc(c.Document, c.Chunks)
		}
		f.seq = max(f.seq, c.Seq)
	}
}

// addDoc adds the embedded chunks of d.
func (f *FlatIndex) addDoc(d Document, chunks []StoredChunk) {
	doc := &flatDoc{id: d.ID, source: d.Source, fields: d.Fields, visibility: d.Visibility, allowed: d.Allowed}
	var ids []string
	for _, c := range chunks {
		if len(c.Vector) == 0 || c.Model == "" {
			continue
		}
		model, ok := f.models[c.Model]
		if !ok {
			model = c.Model
			f.models[model] = model
		}
		vec := make([]float32, len(c.Vector))
		copy(vec, c.Vector)
		f.pos[c.ID] = len(f.chunks)
		f.chunks = append(f.chunks, flatChunk{id: c.ID, doc: doc, model: model, vec: vec, norm: norm32(vec)})
		ids = append(ids, c.ID)
	}
	if len(ids) > 0 {
		f.docs[d.ID] = ids
	}
}

// removeDoc removes the chunks of document id, moving the last chunks into their places.
func (f *FlatIndex) removeDoc(id string) {
	for _, cid := range f.docs[id] {
		i := f.pos[cid]
		last := len(f.chunks) - 1
		if i != last {
			f.chunks[i] = f.chunks[last]
			f.pos[f.chunks[i].id] = i
		}
		f.chunks[last] = flatChunk{}
		f.chunks = f.chunks[:last]
		delete(f.pos, cid)
	}
	delete(f.docs, id)
}

// len returns the number of chunk vectors held.
func (f *FlatIndex) len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.chunks)
}

// lastSeq returns the last change Seq applied (0 for a new index).
func (f *FlatIndex) lastSeq() int64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.seq
}

// reset empties the index, back to Seq 0.
func (f *FlatIndex) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chunks = nil
	clear(f.pos)
	clear(f.docs)
	f.seq = 0
}

// norm32 is the L2 norm of v.
func norm32(v []float32) float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	return float32(math.Sqrt(ss))
}
