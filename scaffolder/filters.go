package scaffolder

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"

	"github.com/nextportal/portal/catalog"
)

// filterDump is nunjucks' dump: JSON.stringify of the value.
func filterDump(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	v := in.ToGoSimpleType(false)
	if err, ok := v.(error); ok {
		return exec.AsValue(err)
	}
	if in.IsNil() {
		v = nil
	}
	if err := enc.Encode(v); err != nil {
		return exec.AsValue(fmt.Errorf("dump: %w", err))
	}
	return exec.AsSafeValue(strings.TrimSuffix(b.String(), "\n"))
}

// ParseRepoURL splits a RepoUrlPicker value ("github.com?owner=o&repo=r") into its parts,
// as Backstage's parseRepoUrl filter does.
func ParseRepoURL(s string) (map[string]any, error) {
	u, err := url.Parse("https://" + s)
	if err != nil || u.Host == "" {
		return nil, errkindf("invalid repo URL %q: want host?owner=…&repo=…", truncate(s, 100))
	}
	q := u.Query()
	out := map[string]any{"host": u.Host}
	for _, k := range []string{"owner", "repo", "organization", "workspace", "project"} {
		if v := q.Get(k); v != "" {
			out[k] = v
		}
	}
	if out["repo"] == nil {
		return nil, errkindf("invalid repo URL %q: no repo given", truncate(s, 100))
	}
	return out, nil
}

func filterParseRepoURL(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	m, err := ParseRepoURL(in.String())
	if err != nil {
		return exec.AsValue(err)
	}
	return exec.AsValue(m)
}

func filterParseEntityRef(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	s := in.String()
	kind, ns := "", catalog.DefaultNamespace
	if opts := params.First(); opts != nil && opts.IsDict() {
		if v, ok := opts.Get("defaultKind"); ok {
			kind = v.String()
		}
		if v, ok := opts.Get("defaultNamespace"); ok {
			ns = v.String()
		}
	}
	if k, rest, ok := strings.Cut(s, ":"); ok {
		kind, s = k, rest
	}
	if n, rest, ok := strings.Cut(s, "/"); ok {
		ns, s = n, rest
	}
	if kind == "" || s == "" {
		return exec.AsValue(errkindf("invalid entity ref %q", truncate(in.String(), 100)))
	}
	return exec.AsValue(map[string]any{"kind": kind, "namespace": ns, "name": s})
}

func filterPick(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	key := params.First()
	if key == nil || key.IsNil() {
		return exec.AsValue(errkindf("pick() needs a key"))
	}
	v, ok := in.Get(key.String())
	if !ok {
		return exec.AsValue(nil)
	}
	return v
}

func filterProjectSlug(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	m, err := ParseRepoURL(in.String())
	if err != nil {
		return exec.AsValue(err)
	}
	owner, _ := m["owner"].(string)
	if owner == "" {
		owner, _ = m["organization"].(string)
	}
	if owner == "" {
		owner, _ = m["workspace"].(string)
	}
	return exec.AsValue(owner + "/" + m["repo"].(string))
}

// boundedRange is Jinja's range() with a bound on the list it builds.
func boundedRange(_ *exec.Evaluator, params *exec.VarArgs) *exec.Value {
	var nums []int
	for _, a := range params.Args {
		if !a.IsInteger() {
			return exec.AsValue(errkindf("range() takes integer arguments only"))
		}
		nums = append(nums, a.Integer())
	}
	start, stop, step := 0, 0, 1
	switch len(nums) {
	case 1:
		stop = nums[0]
	case 2:
		start, stop = nums[0], nums[1]
	case 3:
		start, stop, step = nums[0], nums[1], nums[2]
	default:
		return exec.AsValue(errkindf("range() takes 1 to 3 arguments"))
	}
	if step == 0 {
		return exec.AsValue(errkindf("range() step is zero"))
	}
	n := (stop - start) / step
	if n > maxRangeItems {
		return exec.AsValue(errkindf("range() of more than %d items is refused", maxRangeItems))
	}
	var out []int
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		out = append(out, i)
	}
	return exec.AsValue(out)
}
