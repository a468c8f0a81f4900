package api_test

import (
	"strings"
	"testing"
)

// TestSearchHidesRestrictedNames checks that no document a viewer may see names a
// restricted entity: the text of a visible group must not list what it owns out of the
// viewer's sight (the catalog API drops such relations for the viewer, too).
func TestSearchHidesRestrictedNames(t *testing.T) {
	env := newSearchEnv(t)
	for _, q := range []string{"zebracrypt", "rotate+payment+secrets", ""} {
		var o searchOut
		env.searchJSON(asViewer, "/api/v1/search?limit=100&q="+q, &o)
		for _, r := range o.Results {
			if strings.Contains(strings.ToLower(r.Title+" "+r.Snippet), "zebracrypt") {
				t.Errorf("q=%s: %s names the restricted zebracrypt: %q", q, r.DocID, r.Snippet)
			}
		}
		if q == "zebracrypt" && o.Total != 0 {
			t.Errorf("q=%s: total %d for a viewer, want 0", q, o.Total)
		}
	}
}
