package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// ValidationError lists every problem found in an entity or a file of entities. Its Error
// names the first few; the HTTP layer returns all of them.
type ValidationError struct {
	Problems []Problem
}

// Problem is one validation problem: where (file and line when known, and the field) and what.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Entity  string `json:"entity,omitempty"` // the entity ref, when known
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String renders the problem as "file:line: entity: message", leaving out what is unknown.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
		}
		b.WriteString(": ")
	}
	if p.Entity != "" {
		b.WriteString(p.Entity + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// maxErrorProblems is how many problems Error spells out.
const maxErrorProblems = 3

// Error names the first problems plainly, e.g.
// "catalog-info.yaml:7: component:default/foo: spec.owner is required", and how many more
// there are.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 0 {
		return "invalid entity"
	}
	parts := make([]string, 0, maxErrorProblems)
	for i, p := range e.Problems {
		if i == maxErrorProblems {
			break
		}
		parts = append(parts, p.String())
	}
	msg := strings.Join(parts, "; ")
	if n := len(e.Problems) - maxErrorProblems; n > 0 {
		msg += fmt.Sprintf(" (and %d more %s)", n, plural(n, "problem", "problems"))
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
