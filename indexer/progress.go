package indexer

// The phases of an indexing run, in the order they happen.
const (
	PhaseScan  = "scan"  // reading a source and storing its changed documents
	PhaseTrain = "train" // training the local embedder on the stored chunks
	PhaseEmbed = "embed" // embedding the chunks not yet embedded with the active model
	PhaseSync  = "sync"  // bringing the search indexes up to date with the store
)

// Progress is a snapshot of an indexing run, reported to the callback of Service.Index.
type Progress struct {
	// Phase is one of the Phase* constants.
	Phase string
	// Source is the name of the source being scanned (PhaseScan only).
	Source string
	// Done counts the documents read (scan) or chunks embedded (embed) so far in this
	// phase; Total is the number expected, or 0 when unknown (a source does not say how
	// many documents it holds). Embedding reports the pending count it knows of so far.
	Done, Total int
	// Changed and Deleted count the documents written and removed so far in the run;
	// Embedded counts the chunks embedded so far.
	Changed, Deleted, Embedded int
}

// IndexResult sums up a Service.Index run.
type IndexResult struct {
	// Documents counts the documents the sources yielded.
	Documents int
	// Changed counts those that were new or differed from the stored ones and were
	// written; Unchanged those that were left alone.
	Changed, Unchanged int
	// Deleted counts stored documents no longer yielded by their source, now removed.
	Deleted int
	// Chunks counts the chunks written for the changed documents.
	Chunks int
	// Embedded counts the chunks whose vectors were computed or taken from the embedding
	// cache in the embed phase.
	Embedded int
	// Model names the embedder the chunks are embedded with at the end of the run.
	Model string
}

// report calls fn with p when fn is not nil.
func report(fn func(Progress), p Progress) {
	if fn != nil {
		fn(p)
	}
}
