package assistant

import (
	"strings"
	"unicode"
)

// word is one normalised token of a question or a name: Raw is the lowercased text, Stem
// its Porter stem after abbreviations are expanded ("svc" → "servic").
type word struct {
	Raw  string
	Stem string
}

// abbreviations expand the short forms people type for catalog words.
var abbreviations = map[string]string{
	"svc": "service", "svcs": "services", "srv": "service", "db": "database", "dbs": "databases",
	"api": "api", "apis": "api", "repo": "repository", "repos": "repositories", "k8s": "kubernetes",
	"msg": "message", "msgs": "messages", "env": "environment", "envs": "environments",
	"prod": "production", "config": "configuration", "cfg": "configuration", "docs": "documentation",
	"doc": "documentation", "infra": "infrastructure", "deps": "dependencies", "dep": "dependency",
	"pwd": "password", "passwd": "password", "creds": "credentials", "ui": "ui", "fe": "frontend",
	"be": "backend", "mgmt": "management", "auth": "authentication", "q": "queue",
}

// fillers are words that carry no meaning for intent or entity detection.
var fillers = toSet(`a an the of to in on at for by with from and or is are was were be been
being am do does did doing i me my we our us you your it its this that these those there here
please can could would should will shall may might must just tell show give let know find get
about some any all hey hi hello thanks thank s t`)

func toSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// splitWords lowercases s and splits it into runs of letters and digits; an apostrophe
// inside a word is dropped ("what's" → "whats", "o'connor" → "oconnor").
func splitWords(s string) []string {
	s = strings.ToLower(strings.NewReplacer("'", "", "’", "").Replace(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// words normalises s: split, abbreviations expanded, stemmed.
func words(s string) []word {
	var out []word
	for _, f := range splitWords(s) {
		if x, ok := abbreviations[f]; ok {
			for _, p := range strings.Fields(x) {
				out = append(out, word{Raw: p, Stem: stem(p)})
			}
			continue
		}
		out = append(out, word{Raw: f, Stem: stem(f)})
	}
	return out
}

// stem is a light stemmer: plural and verb endings only ("services" → "service",
// "depends" → "depend", "dependencies" → "dependency"). Porter would fold "dependent" and
// "dependency" into one stem, and they ask opposite questions.
func stem(w string) string {
	n := len(w)
	switch {
	case n <= 3:
		return w
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	case strings.HasSuffix(w, "ing") && n > 5:
		return w[:n-3]
	case strings.HasSuffix(w, "ed") && n > 4:
		return w[:n-2]
	}
	return w
}

// editDistance is the Damerau-Levenshtein distance (with adjacent transpositions) of a and
// b, giving up early once it exceeds limit (then it returns limit+1).
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// similar reports how closely a question word q matches a name word n: 1 for the same
// stem, less for a typo or a prefix, 0 for no match.
func similar(q, n word) float64 {
	if q.Stem == n.Stem || q.Raw == n.Raw {
		return 1
	}
	lq, ln := len([]rune(q.Raw)), len([]rune(n.Raw))
	short := min(lq, ln)
	switch {
	case short < 4:
		return 0
	case strings.HasPrefix(n.Raw, q.Raw) && lq >= 4 && lq*10 >= ln*6,
		strings.HasPrefix(q.Raw, n.Raw) && ln >= 4 && ln*10 >= lq*6:
		return 0.85
	}
	if short >= 4 && (strings.HasSuffix(q.Stem, n.Stem) || strings.HasSuffix(n.Stem, q.Stem)) {
		return 0.8 // a compound: "subteams" and "teams"
	}
	if short < 5 {
		return 0 // a typo of a four-letter word is too often another word ("bart", "cart")
	}
	limit := 1
	if short >= 8 {
		limit = 2
	}
	if d := editDistance(q.Raw, n.Raw, limit); d <= limit {
		return 0.9 - 0.1*float64(d-1)
	}
	if d := editDistance(q.Stem, n.Stem, limit); d <= limit && len(q.Stem) >= 4 {
		return 0.85
	}
	return 0
}
