package indexer

// SetTuning sets the hybrid search knobs for a tuning run and returns a func that restores
// the defaults. Tests only.
func SetTuning(fbDocs, fbTerms int, fbOrigW, agreeBase, agreeWeight, vecFeedback, fbMix, smoothBeta float64, smoothK, smoothDepth int) (restore func()) {
	old := tuning
	tuning.fbDocs, tuning.fbTerms, tuning.fbOrigW = fbDocs, fbTerms, fbOrigW
	tuning.agreeBase, tuning.agreeWeight, tuning.vecFeedback = agreeBase, agreeWeight, vecFeedback
	tuning.fbMix, tuning.smoothBeta, tuning.smoothK, tuning.smoothDepth = fbMix, smoothBeta, smoothK, smoothDepth
	return func() { tuning = old }
}
