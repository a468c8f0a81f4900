package api

import (
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/catalog"
)

// entityYAML renders an entity as YAML in its JSON field order (apiVersion, kind, metadata,
// spec, relations, status), the way it would be written in a catalog-info.yaml.
func entityYAML(e *catalog.Entity) (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("entity yaml: %w", err)
	}
	// JSON is YAML: decoding it into a Node keeps the key order, which a map would lose.
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return "", fmt.Errorf("entity yaml: %w", err)
	}
	blockStyle(&doc)
	var sb strings.Builder
	enc := yaml.NewEncoder(&sb)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "", fmt.Errorf("entity yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("entity yaml: %w", err)
	}
	return sb.String(), nil
}

// blockStyle turns the flow style and quoting JSON decodes to into plain block YAML. The
// encoder still quotes any string that would otherwise read as another type.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "\n") {
		n.Style = yaml.LiteralStyle
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}
