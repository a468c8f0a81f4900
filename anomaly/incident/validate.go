package incident

import (
	"github.com/nextportal/portal/internal/errkind"
)

// Bounds on what one incident holds; a source past one gets ErrInvalid naming it.
const (
	MaxTitleLen       = 300
	MaxTextLen        = 20000 // summary, root cause, resolution
	MaxFingerprintLen = 500
	MaxEntities       = 50
	MaxLabels         = 64
	MaxLabelLen       = 1000
	MaxLinks          = 20
	MaxEventText      = 2000
)

// Validate checks an incident before it is stored.
func Validate(inc Incident) error {
	switch {
	case inc.ID == "" || len(inc.ID) > 100:
		return errkind.Errorf(ErrInvalid, "incident: id must have 1 to 100 bytes")
	case inc.Title == "" || len(inc.Title) > MaxTitleLen:
		return errkind.Errorf(ErrInvalid, "incident %s: title must have 1 to %d bytes", inc.ID, MaxTitleLen)
	case len(inc.Summary) > MaxTextLen || len(inc.RootCause) > MaxTextLen || len(inc.Resolution) > MaxTextLen:
		return errkind.Errorf(ErrInvalid, "incident %s: summary, root cause and resolution are at most %d bytes each", inc.ID, MaxTextLen)
	case inc.Fingerprint == "" || len(inc.Fingerprint) > MaxFingerprintLen:
		return errkind.Errorf(ErrInvalid, "incident %s: fingerprint must have 1 to %d bytes", inc.ID, MaxFingerprintLen)
	case inc.Severity.Rank() == 0:
		return errkind.Errorf(ErrInvalid, "incident %s: severity %.40q: want critical, high, warning or info", inc.ID, inc.Severity)
	case !inc.Status.Valid():
		return errkind.Errorf(ErrInvalid, "incident %s: status %.40q: want open, acknowledged or resolved", inc.ID, inc.Status)
	case inc.Source == "":
		return errkind.Errorf(ErrInvalid, "incident %s: no source", inc.ID)
	case len(inc.Entities) > MaxEntities:
		return errkind.Errorf(ErrInvalid, "incident %s: more than %d entities", inc.ID, MaxEntities)
	case len(inc.Labels) > MaxLabels:
		return errkind.Errorf(ErrInvalid, "incident %s: more than %d labels", inc.ID, MaxLabels)
	case len(inc.Links) > MaxLinks:
		return errkind.Errorf(ErrInvalid, "incident %s: more than %d links", inc.ID, MaxLinks)
	case inc.OpenedAt.IsZero():
		return errkind.Errorf(ErrInvalid, "incident %s: no opening time", inc.ID)
	}
	for k, v := range inc.Labels {
		if len(k) > MaxLabelLen || len(v) > MaxLabelLen {
			return errkind.Errorf(ErrInvalid, "incident %s: label %.40q: name and value at most %d bytes", inc.ID, k, MaxLabelLen)
		}
	}
	return nil
}
