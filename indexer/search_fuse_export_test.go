package indexer

// SetTuning sets the hybrid search knobs for a tuning run and returns a func that restores
// the defaults. Tests only.
func SetTuning(fbDocs, fbTerms int, fbOrigW, agreeBase, agreeWeight, vecFeedback float64) (restore func()) {
	old := tuning
	tuning = searchTuning{fbDocs: fbDocs, fbTerms: fbTerms, fbOrigW: fbOrigW,
		agreeBase: agreeBase, agreeWeight: agreeWeight, agreeDepth: old.agreeDepth, vecFeedback: vecFeedback}
	return func() { tuning = old }
}
