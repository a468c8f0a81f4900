package assistant

import (
	"strings"

	"github.com/nextportal/portal/catalog"
)

// sourceSet collects the sources of one turn, each once, numbered from 1 in the order added.
type sourceSet struct {
	list []Source
	at   map[string]int // key → 1-based index
}

func sourceKey(s Source) string { return s.Kind + "\x00" + s.Ref + "\x00" + s.URL }

// add returns the 1-based index of s, adding it when new.
func (ss *sourceSet) add(s Source) int {
	if ss.at == nil {
		ss.at = map[string]int{}
	}
	k := sourceKey(s)
	if n, ok := ss.at[k]; ok {
		return n
	}
	ss.list = append(ss.list, s)
	ss.at[k] = len(ss.list)
	return len(ss.list)
}

// entitySource is the Source of an entity: its page, and its description as text.
func entitySource(e *catalog.Entity) Source {
	r := e.Ref()
	text := strings.TrimSpace(displayName(e) + ". " + e.Metadata.Description)
	return Source{Kind: "entity", Ref: refString(r), Title: displayName(e), URL: entityURL(r), Text: text}
}

// refString is the canonical ref of r: kind and namespace lowercased.
func refString(r catalog.Ref) string {
	ns := r.Namespace
	if ns == "" {
		ns = catalog.DefaultNamespace
	}
	return strings.ToLower(r.Kind) + ":" + strings.ToLower(ns) + "/" + r.Name
}

// entityURL is the portal page of an entity.
func entityURL(r catalog.Ref) string {
	ns := r.Namespace
	if ns == "" {
		ns = catalog.DefaultNamespace
	}
	return "/catalog/" + strings.ToLower(ns) + "/" + strings.ToLower(r.Kind) + "/" + r.Name
}

// displayName is how an answer names an entity: a person's display name or the title,
// followed by the entity's name when it differs ("Payments API service (payments-api)").
func displayName(e *catalog.Entity) string {
	title := e.Metadata.Title
	if p, ok := e.Spec["profile"].(map[string]any); ok {
		if s, ok := p["displayName"].(string); ok && s != "" {
			title = s
		}
	}
	name := e.Metadata.Name
	if title == "" || strings.EqualFold(title, name) {
		return name
	}
	return title + " (" + name + ")"
}
