package indexer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"maps"
	"slices"
)

// hashVersion is written first into every document hash. Raise it when the chunking of
// documents changes, so that the next run rewrites every document with the new chunks.
const hashVersion = "indexer/document/v1"

// HashDocument returns the content hash of d: the hex sha256 of every field but UpdatedAt
// and Hash, written canonically. Strings are length-prefixed, so no two different
// documents can write the same bytes by moving text across a field boundary. Fields with
// no values are left out, field keys are sorted, and so are the values of each field and
// the Allowed refs, whose order carries no meaning.
func HashDocument(d Document) string {
	h := sha256.New()
	w := hashWriter{h: h}
	w.string(hashVersion)
	w.string(d.ID)
	w.string(d.Kind)
	w.string(d.Source)
	w.string(d.EntityRef)
	w.string(d.Title)
	w.string(d.Text)
	w.string(d.URL)
	// A field with no values is the same as no field.
	keys := slices.DeleteFunc(slices.Sorted(maps.Keys(d.Fields)), func(k string) bool { return len(d.Fields[k]) == 0 })
	w.int(len(keys))
	for _, k := range keys {
		w.string(k)
		w.strings(d.Fields[k])
	}
	w.string(string(d.Visibility))
	w.strings(d.Allowed)
	return hex.EncodeToString(h.Sum(nil))
}

// hashText returns the hex sha256 of a chunk's text: its key in the embedding cache.
func hashText(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// hashWriter writes length-prefixed values into a hash.
type hashWriter struct {
	h   hash.Hash
	buf [binary.MaxVarintLen64]byte
}

func (w *hashWriter) int(n int) {
	w.h.Write(binary.AppendUvarint(w.buf[:0], uint64(n)))
}

func (w *hashWriter) string(s string) {
	w.int(len(s))
	w.h.Write([]byte(s))
}

// strings writes a sorted copy of ss, so that their order does not change the hash.
func (w *hashWriter) strings(ss []string) {
	sorted := slices.Sorted(slices.Values(ss))
	w.int(len(sorted))
	for _, s := range sorted {
		w.string(s)
	}
}
