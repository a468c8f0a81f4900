package nab

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// File is one series of the corpus: its timestamps and values in file order, and its anomaly
// windows as inclusive row ranges.
type File struct {
	// Name is the path relative to the data folder, e.g. "realKnownCause/nyc_taxi.csv".
	Name    string
	Times   []time.Time
	Values  []float64
	Windows []Window
}

// Window is one labelled anomaly window: rows First through Last, both included.
type Window struct {
	First, Last int
}

// Corpus is the NAB data set with its windows, files sorted by name.
type Corpus struct {
	Files []File
}

// Windows reports how many anomaly windows the corpus holds, the count a perfect detector
// scores tpWeight for each.
func (c *Corpus) Windows() int {
	n := 0
	for _, f := range c.Files {
		n += len(f.Windows)
	}
	return n
}

// timeLayouts are the timestamp forms NAB uses in data files and label files.
var timeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.000000", time.RFC3339}

// ParseTime reads a NAB timestamp such as "2014-04-01 00:00:00" or "2014-04-01 00:00:00.000000".
func ParseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: not in NAB's format", s)
}

// LoadCorpus reads every data/**/*.csv below dir and the windows of labels/combined_windows.json.
// A window whose ends are not timestamps of its file is an error, as in NAB's labeler.
func LoadCorpus(dir string) (*Corpus, error) {
	windows, err := readWindows(filepath.Join(dir, "labels", "combined_windows.json"))
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(dir, "data")
	var c Corpus
	err = filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".csv") {
			return err
		}
		rel, err := filepath.Rel(dataDir, path)
		if err != nil {
			return err
		}
		f, err := readSeries(path)
		if err != nil {
			return err
		}
		f.Name = filepath.ToSlash(rel)
		if f.Windows, err = windowRows(f.Times, windows[f.Name]); err != nil {
			return fmt.Errorf("windows of %s: %w", f.Name, err)
		}
		c.Files = append(c.Files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load NAB corpus %s: %w", dir, err)
	}
	if len(c.Files) == 0 {
		return nil, fmt.Errorf("load NAB corpus %s: no data files", dir)
	}
	slices.SortFunc(c.Files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return &c, nil
}

func readWindows(path string) (map[string][][2]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read windows: %w", err)
	}
	var w map[string][][2]string
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("parse windows %s: %w", path, err)
	}
	return w, nil
}

func windowRows(times []time.Time, limits [][2]string) ([]Window, error) {
	index := func(s string) (int, error) {
		t, err := ParseTime(s)
		if err != nil {
			return 0, err
		}
		i := slices.IndexFunc(times, t.Equal)
		if i < 0 {
			return 0, fmt.Errorf("timestamp %s is not in the file", s)
		}
		return i, nil
	}
	var out []Window
	for _, l := range limits {
		first, err := index(l[0])
		if err != nil {
			return nil, err
		}
		last, err := index(l[1])
		if err != nil {
			return nil, err
		}
		if last < first {
			return nil, fmt.Errorf("window %s ends before it starts", l[0])
		}
		out = append(out, Window{First: first, Last: last})
	}
	slices.SortFunc(out, func(a, b Window) int { return a.First - b.First })
	return out, nil
}

// readSeries reads a timestamp,value CSV with a header row.
func readSeries(path string) (File, error) {
	var f File
	err := readCSV(path, func(header, row []string) error {
		if len(row) < 2 {
			return errors.New("fewer than two columns")
		}
		t, err := ParseTime(row[0])
		if err != nil {
			return err
		}
		v, err := strconv.ParseFloat(row[1], 64)
		if err != nil {
			return fmt.Errorf("value %q: %w", row[1], err)
		}
		f.Times = append(f.Times, t)
		f.Values = append(f.Values, v)
		return nil
	})
	return f, err
}

// readCSV calls fn for every row after the header.
func readCSV(path string, fn func(header, row []string) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	header = slices.Clone(header)
	for line := 2; ; line++ {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if err := fn(header, row); err != nil {
			return fmt.Errorf("%s line %d: %w", path, line, err)
		}
	}
}

// Subset is the corpus of the files whose names start with one of prefixes (categories
// such as "realKnownCause/").
func (c *Corpus) Subset(prefixes ...string) *Corpus {
	var s Corpus
	for _, f := range c.Files {
		for _, p := range prefixes {
			if strings.HasPrefix(f.Name, p) {
				s.Files = append(s.Files, f)
				break
			}
		}
	}
	return &s
}
