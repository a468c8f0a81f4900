package evals

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nextportal/portal/auth"
)

// AssistantQuestion is one judged question of an assistant eval set (one JSON line).
type AssistantQuestion struct {
	ID   string `json:"id"`
	Type string `json:"type"` // the question type the report groups by: owner, howto, followup, …
	Q    string `json:"q"`
	// Answerable is false for questions the portal cannot or may not answer: it should
	// abstain.
	Answerable bool `json:"answerable"`
	// Entities must each be named (by name) in the answer or cited (by ref).
	Entities []string `json:"entities,omitempty"`
	// Phrases must each appear in the answer (case-insensitive); "a|b" accepts either.
	Phrases []string `json:"phrases,omitempty"`
	// Pages are doc IDs of pages that answer the question; one must be cited.
	Pages []string `json:"pages,omitempty"`
	// Support are further refs a citation may point at and still support the answer (the
	// subject of a relation question).
	Support []string `json:"support,omitempty"`
	// Forbid are strings that must appear nowhere in the answer or its citations: what the
	// asker may not see.
	Forbid []string `json:"forbid,omitempty"`
	// Conv chains questions: those with the same Conv are asked in order in one conversation.
	Conv string `json:"conv,omitempty"`
	// As names who asks: developer (the default), viewer, admin or treasurer.
	As string `json:"as,omitempty"`
}

// AssistantSet is a named list of questions.
type AssistantSet struct {
	Name      string
	Questions []AssistantQuestion
}

// LoadAssistantSet reads a JSONL file of AssistantQuestions.
func LoadAssistantSet(path string) (*AssistantSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load assistant set: %w", err)
	}
	defer f.Close()
	set := &AssistantSet{Name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	ids := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var q AssistantQuestion
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return nil, fmt.Errorf("load assistant set %s:%d: %w", path, line, err)
		}
		switch {
		case q.ID == "" || strings.TrimSpace(q.Q) == "":
			return nil, fmt.Errorf("load assistant set %s:%d: id and q are required", path, line)
		case ids[q.ID]:
			return nil, fmt.Errorf("load assistant set %s:%d: id %q repeats", path, line, q.ID)
		}
		if _, ok := AssistantPrincipal(q.As); !ok {
			return nil, fmt.Errorf("load assistant set %s:%d: as %q: want developer, viewer, admin or treasurer", path, line, q.As)
		}
		ids[q.ID] = true
		if q.Type == "" {
			q.Type = "other"
		}
		set.Questions = append(set.Questions, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load assistant set %s: %w", path, err)
	}
	if len(set.Questions) == 0 {
		return nil, fmt.Errorf("load assistant set %s: no questions", path)
	}
	return set, nil
}

// AssistantPrincipal returns the principal an eval question is asked as: a developer with no
// groups (""/"developer"), a viewer, an admin, or a developer in group:default/treasury-team
// (the group of the restricted fixture).
func AssistantPrincipal(name string) (auth.Principal, bool) {
	switch name {
	case "", "developer":
		return auth.Principal{Kind: auth.KindUser, Subject: "eval-developer", Name: "eval-developer", Role: auth.RoleDeveloper}, true
	case "viewer":
		return auth.Principal{Kind: auth.KindUser, Subject: "eval-viewer", Name: "eval-viewer", Role: auth.RoleViewer}, true
	case "admin":
		return auth.Principal{Kind: auth.KindUser, Subject: "eval-admin", Name: "eval-admin", Role: auth.RoleAdmin}, true
	case "treasurer":
		return auth.Principal{Kind: auth.KindUser, Subject: "eval-treasurer", Name: "eval-treasurer", Role: auth.RoleDeveloper,
			UserRef: "user:default/tess-treasury", Groups: []string{"group:default/treasury-team"}}, true
	}
	return auth.Principal{}, false
}
