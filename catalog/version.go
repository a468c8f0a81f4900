package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// Version computes a catalog version fingerprint (SnapshotStore.CatalogVersion): a SHA-256
// of every entity's uid and etag, added in ascending uid order.
type Version struct{ h hash.Hash }

// NewVersion returns the fingerprint of an empty catalog, to add entities to.
func NewVersion() Version { return Version{h: sha256.New()} }

// Add adds one entity; entities must be added in ascending uid order.
func (v Version) Add(uid, etag string) {
	v.h.Write([]byte(uid))
	v.h.Write([]byte{0})
	v.h.Write([]byte(etag))
	v.h.Write([]byte{'\n'})
}

// String returns the fingerprint of the entities added so far.
func (v Version) String() string { return hex.EncodeToString(v.h.Sum(nil)) }
