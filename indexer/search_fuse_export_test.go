package indexer

import "context"

// SetTuningKnob sets one hybrid search knob by name for a tuning run and returns a func
// that restores the previous value, or nil when there is no knob of that name. Tests only.
func SetTuningKnob(name string, v float64) (restore func()) {
	old := tuning
	switch name {
	case "fbDocs":
		tuning.fbDocs = int(v)
	case "fbTerms":
		tuning.fbTerms = int(v)
	case "fbOrigW":
		tuning.fbOrigW = v
	case "fbMix":
		tuning.fbMix = v
	case "agreeBase":
		tuning.agreeBase = v
	case "agreeWeight":
		tuning.agreeWeight = v
	case "latentWeight":
		tuning.latentWeight = v
	case "latentLo":
		tuning.latentLo = v
	case "latentHi":
		tuning.latentHi = v
	case "latentOverlap":
		tuning.latentOverlap = v
	case "smoothBeta":
		tuning.smoothBeta = v
	case "smoothK":
		tuning.smoothK = int(v)
	case "smoothDepth":
		tuning.smoothDepth = int(v)
	case "proxWeight":
		tuning.proxWeight = v
	case "proxDepth":
		tuning.proxDepth = int(v)
	case "proxWindow":
		tuning.proxWindow = int(v)
	case "proxNear":
		tuning.proxNear = v
	default:
		return nil
	}
	return func() { tuning = old }
}

// MeanDocLen is the mean length of svc's documents in index terms. Tests only.
func MeanDocLen(svc *Service) float64 {
	st, err := svc.lex.statsLocked()
	if err != nil {
		return 0
	}
	return st.level(true).avgLen
}

// DocTexts is svc.docTexts: the indexed text of each document. Tests only.
func DocTexts(ctx context.Context, svc *Service, docIDs []string) (map[string]string, error) {
	return svc.docTexts(ctx, docIDs)
}
