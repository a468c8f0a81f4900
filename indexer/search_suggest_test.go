package indexer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSuggestWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"who owns paymnts-api", []string{"owns", "paymnts"}},
		{"Ledger ledger LEDGER consumer", []string{"ledger", "consumer"}},
		{"the api of x about which", nil},
		{"größe öl straße", []string{"größe", "straße"}},
		{"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen",
			[]string{"three", "four", "five", "seven", "eight", "nine", "eleven", "twelve"}},
		// Only reasonable words are fuzzy-matched: none longer than a name can be, and no
		// more letters in all than suggestMaxTotal.
		{"ledgr " + strings.Repeat("x", 66) + " paymnts", []string{"ledgr", "paymnts"}},
		{strings.Repeat("a", 65) + " " + strings.Repeat("b", 65) + " " + strings.Repeat("c", 65) + " ledgr",
			[]string{strings.Repeat("a", 65), strings.Repeat("b", 65), "ledgr"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, suggestWords(tt.text)); diff != "" {
			t.Errorf("suggestWords(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestReplaceWords(t *testing.T) {
	tests := []struct {
		text string
		with map[string]string
		want string
	}{
		{"who owns paymnts-api?", map[string]string{"paymnts": "payments"}, "who owns payments-api?"},
		{"Ledgr, ledgr and LEDGR", map[string]string{"ledgr": "ledger"}, "ledger, ledger and ledger"},
		{"  spaces  kept  ", map[string]string{"kept": "held"}, "  spaces  held  "},
		{"Zürich dépôt", map[string]string{"dépôt": "depot"}, "Zürich depot"},
		{"nothing to do", map[string]string{"else": "other"}, "nothing to do"},
	}
	for _, tt := range tests {
		if got := replaceWords(tt.text, tt.with); got != tt.want {
			t.Errorf("replaceWords(%q, %v) = %q, want %q", tt.text, tt.with, got, tt.want)
		}
	}
}
