package assistant

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// askWords are question words that say how something is asked, not what about.
var askWords = toSet(`how what which who whom whose why when where does do did should step steps way
process procedure need want doc docs documentation say says said tell explain`)

// Bounds of an extractive answer.
const (
	maxPicked        = 3   // sentences
	maxPickedChars   = 600 // characters in all
	maxPerSource     = 2   // sentences from one section
	extractSources   = 3   // top sections read
	minSupport       = 0.34
	keepRelative     = 0.6
	minSentenceChars = 12
	maxSentenceChars = 400
)

// picked is a sentence chosen for an answer and the 1-based index of its source.
type picked struct {
	text   string
	source int
	pos    int
	score  float64
	terms  map[string]bool
}

var sentenceEnd = regexp.MustCompile(`([.!?])\s+`)

// sentences splits a section's text into its heading line and its sentences: lines first
// (list items and steps are lines), then sentence ends inside a line.
func sentences(text string) (heading string, out []string) {
	text = strings.TrimSpace(text)
	if first, rest, ok := strings.Cut(text, "\n\n"); ok && !strings.ContainsAny(strings.TrimRight(first, " "), ".!?") && utf8.RuneCountInString(first) < 120 {
		heading, text = first, rest
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		idx := sentenceEnd.FindAllStringSubmatchIndex(line, -1)
		start := 0
		for _, m := range idx {
			out = append(out, strings.TrimSpace(line[start:m[3]]))
			start = m[1]
		}
		if start < len(line) {
			out = append(out, strings.TrimSpace(line[start:]))
		}
	}
	return heading, out
}

// contentStems returns the distinct stems of the words of s that say what it is about.
func contentStems(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(s) {
		if !fillers[w.Raw] && !askWords[w.Raw] && len(w.Raw) > 1 {
			set[w.Stem] = true
		}
	}
	return set
}

// extract picks the sentences of the top sources that best support an answer to question:
// each scored by the share of the question's (IDF-weighted) words it holds, with a bonus
// when its section's heading holds them too. None when no sentence holds enough.
func extract(question string, sources []Source) []picked {
	q := contentStems(question)
	if len(q) == 0 {
		return nil
	}
	type sent struct {
		text    string
		terms   map[string]bool
		src     int
		pos     int
		heading map[string]bool
	}
	var all []sent
	df := map[string]int{}
	for i, s := range sources {
		if i >= extractSources {
			break
		}
		head, ss := sentences(s.Text)
		ht := contentStems(head + " " + s.Title)
		for j, t := range ss {
			terms := contentStems(t)
			all = append(all, sent{text: t, terms: terms, src: i + 1, pos: j, heading: ht})
			for k := range terms {
				df[k]++
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	n := float64(len(all))
	weight := func(t string) float64 { return math.Log(1 + n/float64(max(df[t], 1))) }
	var total float64
	for t := range q {
		if df[t] == 0 {
			total += 1.5 * math.Log(1+n) // a word no source has: it counts against every sentence
		} else {
			total += weight(t)
		}
	}
	var cands []picked
	for _, s := range all {
		l := utf8.RuneCountInString(s.text)
		if l < minSentenceChars || l > maxSentenceChars {
			continue
		}
		var have, head float64
		for t := range q {
			if s.terms[t] {
				have += weight(t)
			} else if s.heading[t] {
				head += weight(t)
			}
		}
		support := (have + 0.5*head) / total
		if have == 0 || support < minSupport {
			continue
		}
		cands = append(cands, picked{text: s.text, source: s.src, pos: s.pos,
			score: support - 0.03*float64(s.src-1), terms: s.terms})
	}
	if len(cands) == 0 {
		return nil
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	best := cands[0].score
	var out []picked
	perSource := map[int]int{}
	chars := 0
	for _, c := range cands {
		if len(out) == maxPicked || c.score < keepRelative*best {
			break
		}
		if perSource[c.source] == maxPerSource || chars+len(c.text) > maxPickedChars && len(out) > 0 || duplicate(c, out) {
			continue
		}
		perSource[c.source]++
		chars += len(c.text)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].source != out[j].source {
			return out[i].source < out[j].source
		}
		return out[i].pos < out[j].pos
	})
	for i := range out {
		out[i].text = sentenceCase(out[i].text)
	}
	return out
}

// duplicate reports whether c says nearly what one of out says (Jaccard of terms ≥ 0.7).
func duplicate(c picked, out []picked) bool {
	for _, o := range out {
		inter := 0
		for t := range c.terms {
			if o.terms[t] {
				inter++
			}
		}
		union := len(c.terms) + len(o.terms) - inter
		if union > 0 && float64(inter)/float64(union) >= 0.7 {
			return true
		}
	}
	return false
}

// sentenceCase makes a list item read as a sentence: a leading bullet dropped and a final
// period added.
func sentenceCase(s string) string {
	s = strings.TrimSpace(strings.TrimLeft(s, "-*• "))
	if s != "" && !strings.ContainsRune(".!?:", rune(s[len(s)-1])) {
		s += "."
	}
	return s
}
