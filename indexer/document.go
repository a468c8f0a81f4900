package indexer

import (
	"time"

	"github.com/nextportal/portal/auth"
)

// Document kinds. Incidents and costs arrive later through the same Source interface.
const (
	KindEntity = "entity" // a catalog entity rendered to text
	KindDoc    = "doc"    // a markdown document (TechDocs folder, docs folder, BEIR corpus)
	// KindIncident is an incident (anomaly, alert, event or postmortem) rendered to text.
	KindIncident = "incident"
)

// Filter and facet field names: the keys of Document.Fields, the bleve keyword fields, and
// the filters of Query. Values are stored lowercased.
const (
	FieldKind      = "kind"      // entity kind of the owning entity: component, api, group, ...
	FieldType      = "type"      // spec.type of the owning entity: service, website, openapi, ...
	FieldOwner     = "owner"     // canonical ref of the owner: group:default/payments-team
	FieldSystem    = "system"    // canonical ref: system:default/ledger
	FieldDomain    = "domain"    // canonical ref: domain:default/commerce
	FieldTags      = "tags"      // metadata.tags, one value each
	FieldLifecycle = "lifecycle" // spec.lifecycle
	FieldSource    = "source"    // Document.Source: catalog, techdocs, docs, beir
)

// FilterFields lists the fields Query.Filters and facets accept, in display order.
var FilterFields = []string{FieldKind, FieldType, FieldOwner, FieldSystem, FieldDomain, FieldTags, FieldLifecycle, FieldSource}

// Document is one indexed thing, before chunking. Its ID is stable across runs:
//
//	entity:<canonical entity ref>              entity:component:default/payments-api
//	doc:<canonical entity ref>:<path>          doc:component:default/ledger-posting-consumer:docs/runbook.md
//	doc:dir:<docs folder name>:<path>          a configured docs folder with no owning entity
//	beir:<corpus name>:<BEIR _id>              beir:scifact:4983
//
// where <path> is slash-separated and relative to the entity's techdocs-ref folder (so it
// starts with "docs/" for MkDocs layouts) or to the docs folder.
type Document struct {
	ID        string
	Kind      string // KindEntity or KindDoc
	Source    string // the Source's Name(): catalog, techdocs, docs, beir
	EntityRef string // canonical ref of the owning entity; "" when none
	Title     string
	// Text is markdown for docs (chunked with ChunkMarkdown) and plain text for entities.
	Text string
	// URL is where the portal shows the document: /catalog/default/component/x for an
	// entity, /docs/default/component/x/docs/runbook.md for a doc (chunk anchors are
	// appended as #anchor by search).
	URL string
	// Fields holds the filter values (keys are the Field* constants but FieldSource, which
	// is Source), lowercased. A doc inherits the fields of its owning entity.
	Fields map[string][]string
	// Visibility and Allowed say who may see the document: those who may see its owning
	// entity (auth.Policy.CanSee with the entity's catalog.ResourceOf). Allowed holds the
	// canonical refs of the owners and visibility groups, for restricted documents.
	Visibility auth.Visibility
	Allowed    []string
	UpdatedAt  time.Time
	// Hash is the content hash of everything above except UpdatedAt (see HashDocument);
	// an unchanged hash means there is nothing to re-index.
	Hash string
}

// StoredChunk is one chunk of a Document as the Store keeps it.
type StoredChunk struct {
	ID      string // DocID + "#" + strconv.Itoa(Index)
	DocID   string
	Index   int
	Anchor  string // heading anchor for citations ("" before any heading)
	Heading string // heading path joined with " > "
	Text    string
	// Hash is the sha256 (hex) of Text: the key of the embedding cache.
	Hash string
	// Model and Vector are the chunk's embedding; Vector is nil (and Model "") until the
	// chunk has been embedded with the active model.
	Model  string
	Vector []float32
}

// Change is one entry of the store's change feed: a document written or deleted, with the
// sequence number of that write. Derived indexes (bleve, FlatIndex) apply changes in Seq
// order and remember the last Seq they applied.
type Change struct {
	Seq     int64
	DocID   string
	Deleted bool
	// Document and Chunks hold the document as stored (zero when Deleted); Chunks are in
	// Index order and carry their vectors.
	Document Document
	Chunks   []StoredChunk
}
