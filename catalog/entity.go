package catalog

// Entity is a catalog entity in Backstage's shape. Its JSON encoding is the one Backstage's
// catalog API returns.
type Entity struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   Metadata       `json:"metadata"`
	Spec       map[string]any `json:"spec,omitempty"`
	Relations  []Relation     `json:"relations,omitempty"`
	Status     *Status        `json:"status,omitempty"`
}

// Metadata is an entity's metadata block. UID, Etag and Generation are assigned by the store.
type Metadata struct {
	UID         string            `json:"uid,omitempty"`
	Etag        string            `json:"etag,omitempty"`
	Generation  int64             `json:"generation,omitempty"`
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Links       []Link            `json:"links,omitempty"`
}

// Link is an external link of an entity (metadata.links).
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	Icon  string `json:"icon,omitempty"`
	Type  string `json:"type,omitempty"`
}

// Relation is a directed edge from the entity that carries it to TargetRef.
type Relation struct {
	Type      string `json:"type"`
	TargetRef string `json:"targetRef"`
}

// Status holds the processing status of an entity, such as references that do not resolve.
type Status struct {
	Items []StatusItem `json:"items"`
}

// StatusItem is one status message of an entity.
type StatusItem struct {
	Type    string `json:"type"`
	Level   string `json:"level"` // info, warning or error
	Message string `json:"message"`
}

// Annotations the catalog sets on every entity it reads from a location.
const (
	AnnotationManagedByLocation       = "backstage.io/managed-by-location"
	AnnotationManagedByOriginLocation = "backstage.io/managed-by-origin-location"
)

// Ref returns the entity's reference, with the namespace defaulted.
func (e *Entity) Ref() Ref {
	ns := e.Metadata.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	return Ref{Kind: e.Kind, Namespace: ns, Name: e.Metadata.Name}
}
