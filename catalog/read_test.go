package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeFiles writes files (path relative to dir → content) and returns dir.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func component(name string) string {
	return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
		"\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
}

func TestReadFileLocation(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"all.yaml": `apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: all}
spec:
  targets: [./a.yaml, ./sub, "./globbed/**/*.yaml"]
---
` + component("in-all"),
		"a.yaml": component("a") + "---\n" + `apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: api-a}
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: {$text: ./defs/api.yaml}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec:
  type: team
  children: []
  profile: {$json: ./defs/profile.json}
  members: {$yaml: ./defs/members.yaml}
---
`,
		"defs/api.yaml":                      "openapi: 3.0.0\n",
		"defs/profile.json":                  `{"displayName": "Team A"}`,
		"defs/members.yaml":                  "- jane\n- joe\n",
		"sub/catalog-info.yaml":              component("sub-1"),
		"sub/deeper/catalog-info.yml":        component("sub-2"),
		"sub/other.yaml":                     component("not-read"),
		"globbed/x/y/one.yaml":               component("glob-1"),
		"globbed/two.yaml":                   component("glob-2"),
		"globbed/x/three.yml":                component("not-globbed"),
		"sub/node_modules/catalog-info.yaml": component("skipped"),
	})
	target := filepath.Join(dir, "all.yaml")
	res, err := readFileLocation(t.Context(), newRoots([]string{dir}), target)
	if err != nil {
		t.Fatalf("readFileLocation() error = %v", err)
	}
	if len(res.problems) > 0 {
		t.Fatalf("readFileLocation() problems = %v", res.problems)
	}
	rootRef := LocationEntityRef("file", target)
	got := map[string]string{} // ref → parent
	byRef := map[string]Processed{}
	for _, p := range res.entities {
		got[p.Entity.Ref().String()] = p.Parent
		byRef[p.Entity.Ref().String()] = p
	}
	want := map[string]string{
		rootRef:                    "",
		"location:default/all":     rootRef,
		"component:default/in-all": rootRef,
		"component:default/a":      "location:default/all",
		"api:default/api-a":        "location:default/all",
		"group:default/team-a":     "location:default/all",
		"component:default/sub-1":  "location:default/all",
		"component:default/sub-2":  "location:default/all",
		"component:default/glob-1": "location:default/all",
		"component:default/glob-2": "location:default/all",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entities and parents mismatch (-want +got):\n%s", diff)
	}

	api := byRef["api:default/api-a"].Entity
	if api.Spec["definition"] != "openapi: 3.0.0\n" {
		t.Errorf("$text definition = %#v", api.Spec["definition"])
	}
	group := byRef["group:default/team-a"].Entity
	if diff := cmp.Diff(map[string]any{"displayName": "Team A"}, group.Spec["profile"]); diff != "" {
		t.Errorf("$json profile mismatch:\n%s", diff)
	}
	if diff := cmp.Diff([]any{"jane", "joe"}, group.Spec["members"]); diff != "" {
		t.Errorf("$yaml members mismatch:\n%s", diff)
	}
	ann := byRef["component:default/sub-2"].Entity.Metadata.Annotations
	if ann[AnnotationManagedByLocation] != "file:"+filepath.Join(dir, "sub/deeper/catalog-info.yml") ||
		ann[AnnotationManagedByOriginLocation] != "file:"+target {
		t.Errorf("annotations = %v", ann)
	}
	root := byRef[rootRef].Entity
	if root.Spec["target"] != target || root.Spec["type"] != "file" || root.Metadata.Annotations[AnnotationManagedByLocation] != "file:"+target {
		t.Errorf("generated root = %+v", root)
	}
	if p := byRef["component:default/a"]; len(p.Hash) != 64 || len(p.Search) == 0 || len(p.Relations) != 2 {
		t.Errorf("processed component: hash %q, %d search rows, %d relations", p.Hash, len(p.Search), len(p.Relations))
	}
}

func TestGeneratedLocationName(t *testing.T) {
	// sha1("file:/srv/catalog/examples/all.yaml"), computed independently with sha1sum.
	want := "location:default/generated-643baf845e62bc20b9042e2b4cdf84558b9fe44f"
	if got := LocationEntityRef("file", "/srv/catalog/examples/all.yaml"); got != want {
		t.Errorf("LocationEntityRef() = %s, want %s", got, want)
	}
}

func TestReadFileLocationProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of "file:line: message" problems, in order
	}{
		{"malformed yaml", map[string]string{"c.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a: b\n"},
			[]string{"c.yaml:4: malformed YAML: yaml: line 4: mapping values are not allowed"}},
		{"duplicate key", map[string]string{"c.yaml": component("a") + "  owner: b\n"},
			[]string{`c.yaml:9: malformed YAML: line 9: mapping key "owner" already defined at line 8`}},
		{"missing owner at spec line", map[string]string{"c.yaml": strings.Replace(component("foo"), "  owner: team-a\n", "", 1)},
			[]string{"c.yaml:5: component:default/foo: spec.owner is required"}},
		{"bad name at its line", map[string]string{"c.yaml": "---\n" + component("Foo Bar")},
			[]string{`c.yaml:5: component:default/foo bar: metadata.name "Foo Bar" is not a valid name`}},
		{"second document", map[string]string{"c.yaml": component("a") + "---\n" + strings.Replace(component("b"), "kind: Component", "kind: Widget", 1)},
			[]string{`c.yaml:11: widget:default/b: kind "Widget" is not a supported kind`}},
		{"duplicate ref", map[string]string{"c.yaml": component("a") + "---\n" + component("A")},
			[]string{"c.yaml:10: component:default/a: duplicate entity: component:default/a is also defined at"}},
		{"not a mapping", map[string]string{"c.yaml": "- a\n- b\n"}, []string{"c.yaml:1: a YAML document must be an entity"}},
		{"missing placeholder file", map[string]string{"c.yaml": component("a") + "  x: {$text: ./nope.txt}\n"},
			[]string{"c.yaml:9: component:default/a: spec.x $text placeholder:"}},
		{"bad $json", map[string]string{"c.yaml": component("a") + "  x: {$json: ./bad.json}\n", "bad.json": "{"},
			[]string{"is not valid JSON"}},
		{"location target missing", map[string]string{"c.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec:\n  targets: [./nope.yaml]\n"},
			[]string{"c.yaml:5: location:default/l: spec.targets[0]: "}},
		{"location target under a file", map[string]string{"c.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec:\n  targets: [./c.yaml/x, \"./a\\0b\", ./" + strings.Repeat("x", 300) + "]\n"},
			[]string{"spec.targets[0]: ", "spec.targets[1]: ", "spec.targets[2]: "}},
		{"placeholder path with a NUL", map[string]string{"c.yaml": component("a") + "  x: {$text: \"./in\\0c.txt\"}\n"},
			[]string{"c.yaml:9: component:default/a: spec.x $text placeholder:"}},
		{"location unsupported type", map[string]string{"c.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec:\n  type: url\n  target: https://x/y.yaml\n"},
			[]string{`location type "url" is not supported`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, t.TempDir(), tt.files)
			res, err := readFileLocation(t.Context(), newRoots([]string{dir}), filepath.Join(dir, "c.yaml"))
			if err != nil {
				t.Fatalf("readFileLocation() error = %v", err)
			}
			var got []string
			for _, p := range res.problems {
				got = append(got, strings.TrimPrefix(p.String(), dir+"/"))
			}
			if len(got) < len(tt.want) {
				t.Fatalf("problems = %q, want %d containing %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestReadFileLocationStaysInRoots(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := writeFiles(t, filepath.Join(base, "outside"), map[string]string{"secret.yaml": component("secret"), "secret.txt": "s3cret"})
	location := func(target string) string {
		return "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec:\n  target: " + target + "\n"
	}
	tests := []struct {
		name   string
		files  map[string]string
		link   [2]string // optional symlink: name in root → target
		target string    // registered target; default root/c.yaml
	}{
		{"absolute target outside", nil, [2]string{}, filepath.Join(outside, "secret.yaml")},
		{"dotdot target", nil, [2]string{}, filepath.Join(root, "..", "outside", "secret.yaml")},
		{"location follows ../", map[string]string{"c.yaml": location("../outside/secret.yaml")}, [2]string{}, ""},
		{"location follows absolute", map[string]string{"c.yaml": location(filepath.Join(outside, "secret.yaml"))}, [2]string{}, ""},
		{"location glob outside", map[string]string{"c.yaml": location("../outside/*.yaml")}, [2]string{}, ""},
		{"symlinked file", map[string]string{"c.yaml": location("./link.yaml")}, [2]string{"link.yaml", filepath.Join(outside, "secret.yaml")}, ""},
		{"symlinked target", nil, [2]string{"link.yaml", filepath.Join(outside, "secret.yaml")}, filepath.Join(root, "link.yaml")},
		{"symlinked dir", map[string]string{"c.yaml": location("./linked")}, [2]string{"linked", outside}, ""},
		{"symlink inside a registered dir", nil, [2]string{"d/catalog-info.yaml", filepath.Join(outside, "secret.yaml")}, filepath.Join(root, "d")},
		{"placeholder ../", map[string]string{"c.yaml": component("a") + "  x: {$text: ../outside/secret.txt}\n"}, [2]string{}, ""},
		{"placeholder absolute", map[string]string{"c.yaml": component("a") + "  x: {$text: " + filepath.Join(outside, "secret.txt") + "}\n"}, [2]string{}, ""},
		{"placeholder symlink", map[string]string{"c.yaml": component("a") + "  x: {$text: ./s.txt}\n"}, [2]string{"s.txt", filepath.Join(outside, "secret.txt")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.RemoveAll(root)
			writeFiles(t, root, tt.files)
			if tt.link[0] != "" {
				p := filepath.Join(root, tt.link[0])
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.Symlink(tt.link[1], p); err != nil {
					t.Fatal(err)
				}
			}
			target := tt.target
			if target == "" {
				target = filepath.Join(root, "c.yaml")
			}
			res, err := readFileLocation(t.Context(), newRoots([]string{root}), filepath.Clean(target))
			if !errors.Is(err, ErrForbidden) {
				t.Fatalf("readFileLocation() = %d entities, %v problems, error %v; want ErrForbidden", len(res.entities), res.problems, err)
			}
			if !strings.Contains(err.Error(), root) || !strings.Contains(err.Error(), "outside the allowed roots") {
				t.Errorf("error %q should name the path and the allowed roots", err)
			}
		})
	}
}

func TestReadFileLocationNoRoots(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"c.yaml": component("a")})
	_, err := readFileLocation(t.Context(), newRoots(nil), filepath.Join(dir, "c.yaml"))
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "no file location roots") {
		t.Errorf("readFileLocation() error = %v, want ErrForbidden naming the missing roots", err)
	}
}

func TestReadFileLocationMissingTarget(t *testing.T) {
	dir := t.TempDir()
	_, err := readFileLocation(t.Context(), newRoots([]string{dir}), filepath.Join(dir, "nope.yaml"))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("readFileLocation() error = %v, want ErrInvalid saying the target does not exist", err)
	}
}
