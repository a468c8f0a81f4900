package indexer

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"github.com/nextportal/portal/auth"
)

// lexicalMappingVersion names the mapping below; an index created with another version is
// rebuilt. Change it whenever the mapping or the documents indexed change.
const lexicalMappingVersion = "3"

// The bleve fields of a chunk, besides one keyword field per FilterFields entry.
const (
	fieldBody       = "body"       // the document title, the chunk's heading path and its text (prose)
	fieldDocBody    = "doc_body"   // the whole document: title and text, on its first chunk only (prose)
	fieldLens       = "lens"       // stored, not indexed: the lengths the BM25 statistics add (lexical_stats.go)
	fieldName       = "name"       // the entity name of an entity document, lowercased (keyword, stored)
	fieldNameParts  = "name_parts" // the same name split into words, for "did you mean"
	fieldDocID      = "doc_id"     // keyword
	fieldDocHash    = "doc_hash"   // the document's Hash: stored, not indexed
	fieldVisibility = "visibility" // keyword
	fieldAllowed    = "allowed"    // keyword, one value per allowed ref
)

// nameAnalyzer splits entity names into lowercase words, without stemming or stop words.
const nameAnalyzer = "name_words"

// newLexicalMapping returns the index mapping of chunks: prose fields analysed in English
// (stemming, stop words), identifiers as keywords, nothing stored but the entity name,
// the hash and the lengths. Prose is scored by bm25Query, not by bleve's own scorer.
func newLexicalMapping() mapping.IndexMapping {
	dm := mapping.NewDocumentStaticMapping()
	for _, f := range []string{fieldBody, fieldDocBody} {
		dm.AddFieldMappingsAt(f, fieldOf(proseAnalyzer, false))
	}
	dm.AddFieldMappingsAt(fieldName, fieldOf(keyword.Name, true))
	dm.AddFieldMappingsAt(fieldNameParts, fieldOf(nameAnalyzer, false))
	for _, f := range []string{fieldDocHash, fieldLens} {
		stored := fieldOf(keyword.Name, true)
		stored.Index = false
		dm.AddFieldMappingsAt(f, stored)
	}
	for _, f := range append([]string{fieldDocID, fieldVisibility, fieldAllowed}, FilterFields...) {
		dm.AddFieldMappingsAt(f, fieldOf(keyword.Name, false))
	}

	im := mapping.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = proseAnalyzer
	im.ScoringModel = bleveindex.BM25Scoring
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	// AddCustomAnalyzer only fails for an unknown type, which is a programmer bug.
	addProseAnalyzer(im)
	if err := im.AddCustomAnalyzer(nameAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		panic(err)
	}
	return im
}

// fieldOf is an indexed field mapping with the given analyzer, without term vectors, doc
// values or the _all field, stored only when store is set.
func fieldOf(analyzer string, store bool) *mapping.FieldMapping {
	fm := mapping.NewTextFieldMapping()
	fm.Analyzer = analyzer
	fm.Store = store
	fm.IncludeTermVectors = false
	fm.IncludeInAll = false
	fm.DocValues = false
	return fm
}

// chunkFields is the bleve document of chunk c of d, with the lengths its prose fields add
// to the BM25 statistics.
func chunkFields(d Document, c StoredChunk) (map[string]any, lens) {
	body := chunkProse(d, c)
	l := lens{chunks: 1, chunkLen: len(Terms(body))}
	m := map[string]any{
		fieldBody:       body,
		fieldDocID:      d.ID,
		fieldDocHash:    d.Hash,
		fieldVisibility: visibilityTerm(d.Visibility),
	}
	if len(d.Allowed) > 0 {
		m[fieldAllowed] = lowered(d.Allowed)
	}
	for _, f := range FilterFields {
		if f == FieldSource {
			m[f] = strings.ToLower(d.Source)
			continue
		}
		if v := d.Fields[f]; len(v) > 0 {
			m[f] = lowered(v)
		}
	}
	// Only the first chunk carries the name, so suggest finds each entity once, and the
	// whole document, so that BM25 scores each document once.
	if c.Index == 0 {
		if name := entityName(d); name != "" {
			m[fieldName] = name
			m[fieldNameParts] = name
		}
		doc := docProse(d)
		m[fieldDocBody] = doc
		l.docs, l.docLen = 1, len(Terms(doc))
	}
	m[fieldLens] = l.String()
	return m, l
}

// chunkProse is the prose of chunk c: the document title, the heading path and the text.
func chunkProse(d Document, c StoredChunk) string {
	return d.Title + "\n" + c.Heading + "\n" + c.Text
}

// docProse is the prose of the whole document d: its title and text.
func docProse(d Document) string {
	return d.Title + "\n" + d.Text
}

// visibilityTerm is the indexed visibility: public, restricted, or internal for anything
// else (Audience.CanSee treats every other value as internal).
func visibilityTerm(v auth.Visibility) string {
	switch v {
	case auth.VisibilityPublic, auth.VisibilityRestricted:
		return string(v)
	}
	return string(auth.VisibilityInternal)
}

// entityName is the lowercased name part of an entity document's ref
// (component:default/payments-api → payments-api), or "".
func entityName(d Document) string {
	if d.Kind != KindEntity || d.EntityRef == "" {
		return ""
	}
	ref := d.EntityRef
	if i := strings.LastIndexAny(ref, ":/"); i >= 0 {
		ref = ref[i+1:]
	}
	return strings.ToLower(ref)
}

// lowered returns vs lowercased, as a []any bleve indexes as one value each.
func lowered(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = strings.ToLower(v)
	}
	return out
}
