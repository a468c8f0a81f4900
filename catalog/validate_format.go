package catalog

import (
	"regexp"
	"strings"
)

// The formats below are Backstage's (catalog-model's KubernetesValidatorFunctions and
// FieldFormatEntityPolicy).
var (
	objectNameRE = regexp.MustCompile(`^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$`)
	dnsLabelRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	kindRE       = regexp.MustCompile(`^[a-zA-Z][a-z0-9A-Z]*$`)
	tagRE        = regexp.MustCompile(`^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`)
	versionRE    = regexp.MustCompile(`^[a-z0-9A-Z]+$`)
)

const maxNameLen = 63

// IsValidEntityName reports whether s is a valid metadata.name: letters and digits in runs
// separated by single '-', '_' or '.', at most 63 characters.
func IsValidEntityName(s string) bool {
	return len(s) >= 1 && len(s) <= maxNameLen && objectNameRE.MatchString(s)
}

// IsValidNamespace reports whether s is a valid metadata.namespace (a DNS label).
func IsValidNamespace(s string) bool { return isDNSLabel(s) }

// IsValidKind reports whether s has the shape of an entity kind.
func IsValidKind(s string) bool {
	return len(s) >= 1 && len(s) <= maxNameLen && kindRE.MatchString(s)
}

// IsValidTag reports whether s is a valid entry of metadata.tags.
func IsValidTag(s string) bool {
	return len(s) >= 1 && len(s) <= maxNameLen && tagRE.MatchString(s)
}

func isDNSLabel(s string) bool {
	return len(s) >= 1 && len(s) <= maxNameLen && dnsLabelRE.MatchString(s)
}

func isDNSSubdomain(s string) bool {
	if len(s) < 1 || len(s) > 253 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !isDNSLabel(part) {
			return false
		}
	}
	return true
}

// isValidPrefixed checks "prefix/name" or "name": the prefix a DNS subdomain, the name an
// object name. Label keys, annotation keys and apiVersions have this shape.
func isValidPrefixed(s string, name func(string) bool) bool {
	prefix, rest, found := strings.Cut(s, "/")
	if !found {
		return name(s)
	}
	return isDNSSubdomain(prefix) && name(rest)
}

// isValidAPIVersion accepts "group/version" or "version", like Backstage.
func isValidAPIVersion(s string) bool {
	return isValidPrefixed(s, func(v string) bool {
		return len(v) >= 1 && len(v) <= maxNameLen && versionRE.MatchString(v)
	})
}

// isValidMetadataKey accepts a label or annotation key.
func isValidMetadataKey(s string) bool { return isValidPrefixed(s, IsValidEntityName) }

// isValidLabelValue accepts an empty value or an object name.
func isValidLabelValue(s string) bool { return s == "" || IsValidEntityName(s) }
