package indexer

import (
	"strings"

	"github.com/nextportal/portal/catalog"
)

// entityRelationLines are the relations an entity's text lists after its summary, with
// their labels, in display order. ownedBy and partOf are part of the summary sentence.
var entityRelationLines = []struct{ typ, label string }{
	{catalog.RelationProvidesAPI, "Provides APIs"},
	{catalog.RelationConsumesAPI, "Consumes APIs"},
	{catalog.RelationAPIProvidedBy, "Provided by"},
	{catalog.RelationAPIConsumedBy, "Consumed by"},
	{catalog.RelationDependsOn, "Depends on"},
	{catalog.RelationDependencyOf, "Dependency of"},
	{catalog.RelationHasPart, "Has parts"},
	{catalog.RelationOwnerOf, "Owns"},
	{catalog.RelationChildOf, "Parent group"},
	{catalog.RelationParentOf, "Child groups"},
	{catalog.RelationMemberOf, "Member of"},
	{catalog.RelationHasMember, "Members"},
}

// entityAnnotationLines are the annotations worth quoting, with their labels.
var entityAnnotationLines = []struct{ key, label string }{
	{"nextportal.io/slack-channel", "Slack channel"},
	{"nextportal.io/oncall", "On-call rotation"},
	{"github.com/project-slug", "Repository"},
	{"pagerduty.com/service-id", "PagerDuty service"},
	{"nextportal.io/cost-center", "Cost center"},
}

// entityText renders e as plain text for search and for an assistant to quote: the name
// and title, the description, one sentence of what it is and where it belongs, then one
// line per kind of fact (tags, profile, relations, links, contacts).
func entityText(e *catalog.Entity, fields map[string][]string) string {
	var b strings.Builder
	name := e.Metadata.Name
	b.WriteString(name)
	if t := entityTitle(e); t != name {
		b.WriteString(" (" + t + ")")
	}
	if d := strings.TrimSpace(e.Metadata.Description); d != "" {
		b.WriteString("\n\n" + d)
	}
	b.WriteString("\n\n" + entitySummary(e, fields))
	line := func(label string, values []string) {
		if len(values) > 0 {
			b.WriteString("\n" + label + ": " + strings.Join(values, ", ") + ".")
		}
	}
	line("Tags", e.Metadata.Tags)
	if p, ok := e.Spec["profile"].(map[string]any); ok {
		for _, k := range []struct{ key, label string }{{"displayName", "Display name"}, {"email", "Email"}} {
			if v, ok := p[k.key].(string); ok && strings.TrimSpace(v) != "" {
				line(k.label, []string{strings.TrimSpace(v)})
			}
		}
	}
	for _, r := range entityRelationLines {
		line(r.label, relationTargetsOf(e, r.typ, ""))
	}
	var links []string
	for _, l := range e.Metadata.Links {
		if l.Title != "" {
			links = append(links, l.Title+" ("+l.URL+")")
		} else {
			links = append(links, l.URL)
		}
	}
	line("Links", links)
	for _, a := range entityAnnotationLines {
		if v := strings.TrimSpace(e.Metadata.Annotations[a.key]); v != "" {
			line(a.label, []string{v})
		}
	}
	return b.String()
}

// entitySummary is the sentence that says what e is and where it belongs, such as
// "Component of type service, lifecycle production, owned by group:default/payments-team,
// part of system system:default/payments in domain domain:default/payments."
func entitySummary(e *catalog.Entity, fields map[string][]string) string {
	var parts []string
	head, sep := e.Kind, " "
	if t := specString(e, "type"); t != "" {
		head, sep = head+" of type "+t, ", "
	}
	if lc := specString(e, "lifecycle"); lc != "" {
		if sep == " " {
			lc = "with lifecycle " + lc
		} else {
			lc = "lifecycle " + lc
		}
		parts = append(parts, lc)
	}
	if owners := fields[FieldOwner]; len(owners) > 0 {
		parts = append(parts, "owned by "+strings.Join(owners, " and "))
	}
	kind := strings.ToLower(e.Kind)
	for _, p := range relationTargetsOf(e, catalog.RelationPartOf, "") {
		pkind, _, _ := strings.Cut(p, ":")
		s := "part of " + pkind + " " + p
		switch {
		case pkind == kind:
			s = "part of " + p
		case pkind == "system" && len(fields[FieldDomain]) > 0:
			s += " in domain " + strings.Join(fields[FieldDomain], " and ")
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return head + "."
	}
	return head + sep + strings.Join(parts, ", ") + "."
}
