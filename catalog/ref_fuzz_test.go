package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nextportal/portal/catalog"
)

// FuzzParseRef parses any string as an entity ref: it is an ErrInvalid error, or a ref with
// a kind, a namespace and a name (free of ':' and '/'; a namespace may hold a ':', as in
// Backstage) whose canonical form parses back to the
// same canonical ref with no defaults at all.
func FuzzParseRef(f *testing.F) {
	defaults := [][2]string{{"", ""}, {"group", ""}, {"Group", "team"}, {"", "other"}, {"component", "default"}}
	for _, in := range []string{"Component:Default/Foo", "component:foo", "ns/foo", "foo", "user:foo",
		"  component:foo ", "", ":foo", "component:/foo", "component:ns/", "component:a/b/c", "a :b/c d", "Ä:ß/İ"} {
		for i := range defaults {
			f.Add(in, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, in string, which uint8) {
		d := defaults[int(which)%len(defaults)]
		r, err := catalog.ParseRef(in, d[0], d[1])
		if err != nil {
			if !errors.Is(err, catalog.ErrInvalid) {
				t.Fatalf("ParseRef(%q) error %v does not wrap ErrInvalid", in, err)
			}
			return
		}
		if r.Kind == "" || r.Namespace == "" || r.Name == "" || strings.ContainsAny(r.Name, ":/") ||
			strings.Contains(r.Kind, ":") || strings.Contains(r.Namespace, "/") {
			t.Fatalf("ParseRef(%q) = %#v: a part is empty or holds a separator", in, r)
		}
		canon := r.String()
		again, err := catalog.ParseRef(canon, "", "")
		if err != nil {
			t.Fatalf("ParseRef(%q) = %q, which does not parse again: %v", in, canon, err)
		}
		if again.String() != canon {
			t.Fatalf("ParseRef(%q) = %q, which parses again as %q", in, canon, again.String())
		}
		if strings.ToLower(again.Kind) != again.Kind || strings.ToLower(again.Name) != again.Name {
			t.Fatalf("canonical ref %q is not lowercase", canon)
		}
	})
}
