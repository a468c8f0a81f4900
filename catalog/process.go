package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// entityFromRaw converts a validated entity document into an Entity. Fields the store
// assigns (uid, etag, generation) and the computed relations and status are dropped, and the
// namespace is defaulted as Backstage's DefaultNamespaceEntityPolicy does.
func entityFromRaw(raw map[string]any) (Entity, error) {
	clean := make(map[string]any, len(raw))
	for k, v := range raw {
		if k != "relations" && k != "status" {
			clean[k] = v
		}
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return Entity{}, fmt.Errorf("convert entity: %w", err)
	}
	var e Entity
	if err := json.Unmarshal(b, &e); err != nil {
		return Entity{}, fmt.Errorf("convert entity: %w", err)
	}
	e.Metadata.UID, e.Metadata.Etag, e.Metadata.Generation = "", "", 0
	if e.Metadata.Namespace == "" {
		e.Metadata.Namespace = DefaultNamespace
	}
	return e, nil
}

// entityForHash returns a copy of e without what the store assigns or computes: uid, etag,
// generation, relations and status.
func entityForHash(e *Entity) Entity {
	c := *e
	c.Metadata.UID, c.Metadata.Etag, c.Metadata.Generation = "", "", 0
	c.Relations, c.Status = nil, nil
	return c
}

// processVersion is mixed into every hash. Change it whenever Process derives different
// rows from the same entity (as when the visibility rows were added): every stored entity
// then looks changed, so the next refresh rewrites its rows.
const processVersion = "process-v2\n"

// hashOf returns the content hash Processed.Hash carries given b, the entity's JSON
// encoding without uid, etag, generation, relations and status (entityForHash): hex sha256
// of processVersion and b.
func hashOf(b []byte) string {
	sum := sha256.Sum256(append([]byte(processVersion), b...))
	return hex.EncodeToString(sum[:])
}

// Process turns a valid entity into what the store keeps: its relations in both directions,
// its search rows, its hash and its JSON body. parent is the ref of the Location entity
// that emitted it. The entity is encoded once, for the search rows, the hash and the body.
func Process(e Entity, parent string) (Processed, error) {
	rels, err := Relations(&e)
	if err != nil {
		return Processed{}, err
	}
	e.Relations, e.Status = nil, nil
	b, err := json.Marshal(entityForHash(&e))
	if err != nil {
		return Processed{}, fmt.Errorf("encode entity %s: %w", e.Ref(), err)
	}
	rows, err := searchRowsOf(&e, b)
	if err != nil {
		return Processed{}, err
	}
	return Processed{Entity: e, Relations: rels, Search: rows, Hash: hashOf(b), Body: string(b), Parent: parent}, nil
}
