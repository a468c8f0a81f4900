package catalog

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// outsideSecret is the content of a file outside the fuzz root: it must never be read.
const outsideSecret = "S3CRET-OUTSIDE-CONTENT"

// FuzzReadFileLocation reads a fuzzed catalog file, with $text, $json and $yaml
// placeholders and Location targets, inside a temporary root: reading fails only with
// ErrForbidden, never reaches outside the root, and every entity it yields marshals to JSON
// (how the store keeps it) and came from a file inside the root.
func FuzzReadFileLocation(f *testing.F) {
	base := f.TempDir()
	root, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
	for dir, files := range map[string]map[string]string{
		outside: {"secret.txt": outsideSecret, "secret.yaml": component("secret") + "  x: " + outsideSecret + "\n"},
		root: {
			"defs/api.yaml": "openapi: 3.0.0\n", "defs/profile.json": `{"displayName": "Team A"}`,
			"defs/members.yaml": "[alice, bob]\n", "sub/catalog-info.yaml": component("in-sub"),
		},
	} {
		for name, content := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				f.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				f.Fatal(err)
			}
		}
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		f.Fatal(err)
	}
	api := "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: api-a}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: {$text: ./defs/api.yaml}\n"
	location := func(targets string) string {
		return "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec:\n  targets: " + targets + "\n"
	}
	for _, seed := range [][2]string{
		{component("a"), ""},
		{api, ""},
		{component("g") + "  profile: {$json: ./defs/profile.json}\n  members: {$yaml: ./defs/members.yaml}\n", ""},
		{component("i") + "  x: {$yaml: ./inc.yaml}\n  y: {$json: inc.yaml}\n  z: {$text: file:./inc.yaml}\n", "a: [1, {b: c}]\n"},
		{location("[./sub, ./inc.yaml, \"./**/*.yaml\"]"), component("included")},
		{location("[../outside/secret.yaml]"), ""},
		{component("p") + "  x: {$text: ../outside/secret.txt}\n", ""},
		{component("s") + "  x: {$text: ./link.txt}\n", ""},
		{component("u") + "  x: {$openapi: https://example.com/x.yaml}\n---\n" + component("v"), "{]"},
		{"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "\xff\xfe"},
		{"kind: Component\nmetadata: {name: nan}\nspec: {x: .nan, y: .inf}\n", "- .nan\n"},
		{location("[\"./a\\0b\", \"./" + strings.Repeat("x", 300) + "\"]"), ""},
		{component("z") + "  x: {$text: \"./in\\0c.yaml\"}\n", ""},
		{location("[./c.yaml/x, ./defs/api.yaml/../../c.yaml]"), ""},
	} {
		f.Add([]byte(seed[0]), []byte(seed[1]))
	}
	target := filepath.Join(root, "c.yaml")
	rs := newRoots([]string{root})
	f.Fuzz(func(t *testing.T, doc, inc []byte) {
		if err := os.WriteFile(target, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "inc.yaml"), inc, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := readFileLocation(t.Context(), rs, target)
		if err != nil {
			if !errors.Is(err, ErrForbidden) {
				t.Fatalf("readFileLocation: %v, want no error or ErrForbidden", err)
			}
			return
		}
		for ref, file := range res.files {
			if !rs.contains(filepath.Clean(file)) {
				t.Fatalf("entity %s comes from %s, outside the root", ref, file)
			}
		}
		for _, p := range res.entities {
			b, err := json.Marshal(p.Entity)
			if err != nil {
				t.Fatalf("entity %s does not marshal: %v", p.Entity.Ref(), err)
			}
			if strings.Contains(string(b), outsideSecret) && !strings.Contains(string(doc)+string(inc), outsideSecret) {
				t.Fatalf("entity %s holds the content of a file outside the root: %s", p.Entity.Ref(), b)
			}
		}
		for _, p := range res.problems {
			if strings.Contains(p.Message, outsideSecret) && !strings.Contains(string(doc)+string(inc), outsideSecret) {
				t.Fatalf("problem %q holds the content of a file outside the root", p.Message)
			}
		}
	})
}
