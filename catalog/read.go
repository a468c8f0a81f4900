package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/nextportal/portal/internal/errkind"
)

// maxFileSize bounds one catalog file (or placeholder file) read from disk.
const maxFileSize = 10 << 20

// readResult is everything one read of a location produced.
type readResult struct {
	entities []Processed
	files    map[string]string // entity ref → the file it came from
	problems []Problem
}

// site is where a problem about a followed target is reported: the Location entity's field.
type site struct {
	file, entity, field string
	line                int
}

func (s site) problem(msg string) Problem {
	text := msg
	if s.field != "" {
		text = s.field + ": " + msg
	}
	return Problem{File: s.file, Line: s.line, Entity: s.entity, Field: s.field, Message: text}
}

// reader reads one file location: its target and every target its Location entities name.
type reader struct {
	roots   roots
	origin  string          // "file:<registered target>"
	visited map[string]bool // real paths of files read already (Location cycles)
	firstAt map[string]string
	res     readResult
	// owners are the content owner lookups of this read (ownersOf), by content path and
	// entity file; documents are prepared concurrently.
	ownersMu sync.Mutex
	owners   map[[2]string]func() owned
}

// readFileLocation reads a registered file location: the generated root Location entity,
// then every entity found at target. It returns ErrForbidden when anything would be read
// from outside the roots, and ErrInvalid when target does not exist; problems in the files
// are returned in the result, not as an error.
func readFileLocation(ctx context.Context, rs roots, target string) (readResult, error) {
	r := &reader{
		roots: rs, origin: "file:" + target,
		visited: map[string]bool{}, firstAt: map[string]string{},
		res:    readResult{files: map[string]string{}},
		owners: map[[2]string]func() owned{},
	}
	root := generatedLocationEntity("file", target)
	p, err := Process(root, "")
	if err != nil {
		return readResult{}, fmt.Errorf("read location %s: %w", target, err)
	}
	rootRef := root.Ref().String()
	r.res.entities = append(r.res.entities, p)
	r.res.files[rootRef] = target
	if !isGlob(target) {
		if _, err := rs.resolve(target); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return readResult{}, errkind.Errorf(ErrInvalid, "read location: file location target %s does not exist", target)
			}
			return readResult{}, fmt.Errorf("read location: %w", err)
		}
	}
	if err := r.readTarget(ctx, target, rootRef, false, site{file: target}); err != nil {
		return readResult{}, fmt.Errorf("read location %s: %w", target, err)
	}
	return r.res, nil
}

// readTarget reads a file, a directory of catalog-info files or a glob. Problems are
// recorded at at; only forbidden paths and I/O failures are returned as errors.
func (r *reader) readTarget(ctx context.Context, target, parent string, optional bool, at site) error {
	if isGlob(target) {
		base := globBase(target)
		realBase, err := r.roots.resolve(base)
		if errors.Is(err, fs.ErrNotExist) {
			if !optional {
				r.res.problems = append(r.res.problems, at.problem(fmt.Sprintf("no files match %s: %s does not exist", target, base)))
			}
			return nil
		}
		if err != nil {
			return err
		}
		files, err := glob(filepath.Join(realBase, target[len(base):]))
		if err != nil {
			return err
		}
		if len(files) == 0 && !optional {
			r.res.problems = append(r.res.problems, at.problem("no files match "+target))
		}
		for _, f := range files {
			if err := r.readFile(ctx, relocate(f, realBase, base), parent, at); err != nil {
				return err
			}
		}
		return nil
	}
	real, err := r.roots.resolve(target)
	if errors.Is(err, fs.ErrNotExist) {
		if !optional {
			r.res.problems = append(r.res.problems, at.problem(target+" does not exist"))
		}
		return nil
	}
	if err != nil {
		return err
	}
	isDir, err := statTarget(real)
	if err != nil {
		return err
	}
	if !isDir {
		return r.readFile(ctx, target, parent, at)
	}
	files, err := catalogFiles(real)
	if err != nil {
		return err
	}
	if len(files) == 0 && !optional {
		r.res.problems = append(r.res.problems, at.problem("no catalog-info.yaml or catalog-info.yml files under "+target))
	}
	for _, f := range files {
		if err := r.readFile(ctx, relocate(f, real, target), parent, at); err != nil {
			return err
		}
	}
	return nil
}

// relocate rewrites a path found under the real directory realDir as the same path under
// dir as it was written, so annotations name the paths the user registered.
func relocate(p, realDir, dir string) string {
	rel, err := filepath.Rel(realDir, p)
	if err != nil {
		return p
	}
	return filepath.Join(dir, rel)
}

// readFile reads every entity document in one file.
func (r *reader) readFile(ctx context.Context, path, parent string, at site) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	real, err := r.roots.resolve(path)
	if errors.Is(err, fs.ErrNotExist) {
		r.res.problems = append(r.res.problems, at.problem(path+" does not exist"))
		return nil
	}
	if err != nil {
		return err
	}
	if r.visited[real] {
		return nil
	}
	r.visited[real] = true
	data, err := readLimited(real)
	if err != nil {
		r.res.problems = append(r.res.problems, Problem{File: path, Message: err.Error()})
		return nil
	}
	stop := make(chan struct{})
	defer close(stop)
	for b := range decodeBatches(data, stop) {
		for _, d := range r.prepareAll(path, parent, b.docs) {
			if err := r.commit(ctx, d, path); err != nil {
				return err
			}
		}
		switch {
		case errors.Is(b.err, io.EOF):
			return nil
		case b.err != nil:
			r.res.problems = append(r.res.problems, yamlProblem(path, b.err))
			return nil
		}
	}
	return nil
}

// batch is up to readBatch parsed documents and, for the last batch of a file, the error
// that ended it (decodeBatch).
type batch struct {
	docs []*yaml.Node
	err  error
}

// decodeBatches parses data's YAML documents in batches on a goroutine of its own, one batch
// ahead of the caller: parsing is sequential, so the next batch is parsed while the
// caller prepares the current one on the other CPUs. The last batch carries the error that
// ended the input (io.EOF at its end); closing stop ends the parsing early.
func decodeBatches(data []byte, stop <-chan struct{}) <-chan batch {
	out := make(chan batch, 1)
	go func() {
		defer close(out)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			docs, err := decodeBatch(dec, readBatch)
			select {
			case out <- batch{docs, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out
}

// readBatch is how many YAML documents are parsed before they are validated together: it
// bounds the parsed trees held at once.
const readBatch = 256

// decodeBatch parses up to n documents. The error is io.EOF at the end of the input, or the
// syntax error that stopped it; the documents before it are returned either way.
func decodeBatch(dec *yaml.Decoder, n int) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	for len(docs) < n {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return docs, err
		}
		docs = append(docs, &doc)
	}
	return docs, nil
}

// prepared is one YAML document taken as far as it can be without the rest of the read:
// decoded, validated, converted and processed.
type prepared struct {
	c *checker
	// problems ends the document before its duplicate check (nothing else is set);
	// contentProblems and processErr end it after.
	problems        []Problem
	err             error
	e               Entity
	p               Processed
	here            string
	contentProblems []Problem
	processErr      error
	skip            bool // an empty document
}

// prepareAll prepares docs on all CPUs; the result is in document order.
func (r *reader) prepareAll(path, parent string, docs []*yaml.Node) []prepared {
	out := make([]prepared, len(docs))
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(docs); i = int(next.Add(1)) - 1 {
				out[i] = r.prepare(path, parent, docs[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// prepare validates, annotates and processes one YAML document. It only reads the reader's
// roots, so documents can be prepared concurrently.
func (r *reader) prepare(path, parent string, doc *yaml.Node) prepared {
	c := &checker{file: path, doc: doc}
	body := doc
	if body.Kind == yaml.DocumentNode && len(body.Content) > 0 {
		body = body.Content[0]
	}
	if body.Kind == 0 || body.Kind == yaml.DocumentNode || (body.Kind == yaml.ScalarNode && body.Tag == "!!null") {
		return prepared{skip: true} // an empty document, e.g. after a trailing "---"
	}
	if body.Kind != yaml.MappingNode {
		c.add(nil, "a YAML document must be an entity (a mapping with apiVersion, kind, metadata, spec)")
		return prepared{problems: c.list}
	}
	var v any
	if err := doc.Decode(&v); err != nil {
		return prepared{problems: decodeProblems(path, err)}
	}
	raw, _ := normalizeYAML(v).(map[string]any)
	c.entity = rawRef(raw)
	resolved, err := r.resolvePlaceholders(c, raw, filepath.Dir(path), nil)
	if err != nil {
		return prepared{err: err}
	}
	raw = resolved.(map[string]any)
	if len(c.list) > 0 { // a placeholder could not be read; validating would only repeat it
		return prepared{problems: c.list}
	}
	if validateRaw(c, raw); len(c.list) > 0 {
		return prepared{problems: c.list}
	}
	e, err := entityFromRaw(raw)
	if err != nil {
		c.add(nil, err.Error())
		return prepared{problems: c.list}
	}
	if e.Metadata.Annotations == nil {
		e.Metadata.Annotations = map[string]string{}
	}
	e.Metadata.Annotations[AnnotationManagedByLocation] = "file:" + path
	e.Metadata.Annotations[AnnotationManagedByOriginLocation] = r.origin
	d := prepared{c: c, e: e, here: path + ":" + strconv.Itoa(lineOf(c.doc, nil))}
	if r.checkContent(c, e, path); len(c.list) > 0 {
		d.contentProblems, c.list = c.list, nil
		return d
	}
	d.p, d.processErr = Process(e, parent)
	return d
}

// commit records one prepared document in file order: its problems, or its entity after
// checking it is not a duplicate, following it when it is a Location.
func (r *reader) commit(ctx context.Context, d prepared, path string) error {
	switch {
	case d.err != nil:
		return d.err
	case d.skip:
		return nil
	case d.c == nil:
		r.res.problems = append(r.res.problems, d.problems...)
		return nil
	}
	c, e := d.c, d.e
	ref := e.Ref().String()
	if first, dup := r.firstAt[ref]; dup {
		c.add(nil, "duplicate entity: "+ref+" is also defined at "+first)
		r.res.problems = append(r.res.problems, c.list...)
		return nil
	}
	r.firstAt[ref] = d.here
	if len(d.contentProblems) > 0 {
		r.res.problems = append(r.res.problems, d.contentProblems...)
		return nil
	}
	if d.processErr != nil {
		c.add(nil, d.processErr.Error())
		r.res.problems = append(r.res.problems, c.list...)
		return nil
	}
	r.res.entities = append(r.res.entities, d.p)
	r.res.files[ref] = path
	if e.Kind == "Location" {
		return r.followLocation(ctx, c, &e, path)
	}
	return nil
}

// followLocation reads the targets of a Location entity, relative to its file.
func (r *reader) followLocation(ctx context.Context, c *checker, e *Entity, path string) error {
	typ, _ := e.Spec["type"].(string)
	optional := e.Spec["presence"] == "optional"
	var targets []fieldPath
	if t, ok := e.Spec["target"].(string); ok && t != "" {
		targets = append(targets, fieldPath{"spec", "target"})
	}
	list, _ := e.Spec["targets"].([]any)
	for i := range list {
		targets = append(targets, fieldPath{"spec", "targets", i})
	}
	ref := e.Ref().String()
	for _, fp := range targets {
		at := site{file: path, entity: ref, field: fp.String(), line: lineOf(c.doc, fp)}
		if typ != "" && typ != "file" {
			r.res.problems = append(r.res.problems, at.problem(fmt.Sprintf("location type %q is not supported (only \"file\")", typ)))
			continue
		}
		target := targetAt(e.Spec, fp)
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		if err := r.readTarget(ctx, filepath.Clean(target), ref, optional, at); err != nil {
			return err
		}
	}
	return nil
}

// targetAt returns the string at spec.target or spec.targets[i].
func targetAt(spec map[string]any, fp fieldPath) string {
	if len(fp) == 3 {
		list, _ := spec["targets"].([]any)
		s, _ := list[fp[2].(int)].(string)
		return s
	}
	s, _ := spec["target"].(string)
	return s
}

// readLimited reads a file of at most maxFileSize bytes.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s is larger than %d MiB", path, maxFileSize>>20)
	}
	return data, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlProblem turns a YAML syntax error into a problem at its line.
func yamlProblem(path string, err error) Problem {
	p := Problem{File: path, Message: "malformed YAML: " + err.Error()}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
	}
	return p
}

// decodeProblems turns the errors of decoding a parsed document (such as a key defined
// twice) into problems at their lines.
func decodeProblems(path string, err error) []Problem {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return []Problem{yamlProblem(path, err)}
	}
	out := make([]Problem, 0, len(te.Errors))
	for _, msg := range te.Errors {
		out = append(out, yamlProblem(path, errors.New(msg)))
	}
	return out
}

// normalizeYAML makes a decoded YAML value JSON-shaped: maps with non-string keys get string
// keys.
func normalizeYAML(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalizeYAML(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = normalizeYAML(x)
		}
		return m
	case []any:
		for i, x := range t {
			t[i] = normalizeYAML(x)
		}
		return t
	}
	return v
}
