package finops

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// focusColumns maps each field of Cost to the FOCUS column names that carry it, newest
// name first (ServiceProviderName replaced ProviderName in FOCUS 1.2).
var focusColumns = map[string][]string{
	"provider":           {"serviceprovidername", "providername", "provider"},
	"billingaccount":     {"billingaccountid"},
	"subaccount":         {"subaccountid"},
	"billingperiodstart": {"billingperiodstart"},
	"billingperiodend":   {"billingperiodend"},
	"chargeperiodstart":  {"chargeperiodstart"},
	"chargeperiodend":    {"chargeperiodend"},
	"billedcost":         {"billedcost"},
	"effectivecost":      {"effectivecost"},
	"listcost":           {"listcost"},
	"currency":           {"billingcurrency"},
	"service":            {"servicename"},
	"servicecategory":    {"servicecategory"},
	"resource":           {"resourceid"},
	"resourcename":       {"resourcename"},
	"region":             {"regionid"},
	"chargecategory":     {"chargecategory"},
	"tags":               {"tags"},
}

// requiredColumns must be in every FOCUS file we import.
var requiredColumns = []string{"billedcost", "chargeperiodstart"}

// columnTitle is how a missing column is named to the user.
var columnTitle = map[string]string{"billedcost": "BilledCost", "chargeperiodstart": "ChargePeriodStart"}

// maxTagsLen bounds one row's Tags JSON.
const maxTagsLen = 64 << 10

// MaxLineBytes bounds one line of a FOCUS file: past it the file is refused, so that a
// file without line breaks cannot make a row as large as itself.
const MaxLineBytes = 1 << 20

// FOCUSReader reads cost rows from a FOCUS 1.x CSV, plain or gzip, one at a time.
type FOCUSReader struct {
	csv      *csv.Reader
	cr       *countingReader
	col      map[string]int
	ncol     int
	defaults ImportOptions
}

// NewFOCUSReader reads the header of a FOCUS CSV from r (gzip is detected by its magic
// bytes) and returns a reader of its rows. A file without a header or without the required
// columns (BilledCost, ChargePeriodStart) is ErrInvalid. o supplies the provider, billing
// account and currency of files that lack those columns.
func NewFOCUSReader(r io.Reader, o ImportOptions) (*FOCUSReader, error) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	var src io.Reader = br
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, errkind.Errorf(ErrInvalid, "focus file: bad gzip header")
		}
		src = zr
	}
	cv := csv.NewReader(&lineLimit{r: src})
	cv.FieldsPerRecord = -1
	cv.ReuseRecord = true
	header, err := cv.Read()
	if errors.Is(err, io.EOF) {
		return nil, errkind.Errorf(ErrInvalid, "focus file: empty, no header")
	}
	if err != nil {
		return nil, errkind.Errorf(ErrInvalid, "focus file: header is not CSV")
	}
	f := &FOCUSReader{csv: cv, cr: cr, col: map[string]int{}, ncol: len(header), defaults: o}
	names := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := names[h]; !dup {
			names[h] = i
		}
	}
	for field, alts := range focusColumns {
		for _, a := range alts {
			if i, ok := names[a]; ok {
				f.col[field] = i
				break
			}
		}
	}
	var missing []string
	for _, c := range requiredColumns {
		if _, ok := f.col[c]; !ok {
			missing = append(missing, columnTitle[c])
		}
	}
	if len(missing) > 0 {
		return nil, errkind.Errorf(ErrInvalid, "focus file: missing column(s) %s (is it a FOCUS export?)", strings.Join(missing, ", "))
	}
	return f, nil
}

// BytesRead is how many bytes of the (possibly compressed) input were consumed.
func (f *FOCUSReader) BytesRead() int64 { return f.cr.n }

// Next returns the next row. A row that cannot be read comes back as a *RowError (the
// reader goes on with the next row); io.EOF ends the file; other errors are I/O errors.
func (f *FOCUSReader) Next() (Cost, error) {
	rec, err := f.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			return Cost{}, &RowError{Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error()}
		case errors.Is(err, io.EOF):
			return Cost{}, io.EOF
		case errors.Is(err, errLineTooLong):
			return Cost{}, err
		default:
			return Cost{}, fmt.Errorf("read focus file: %w", err)
		}
	}
	line, _ := f.csv.FieldPos(0)
	if len(rec) != f.ncol {
		return Cost{}, &RowError{Line: line, Reason: fmt.Sprintf("has %d fields, the header %d", len(rec), f.ncol)}
	}
	c, reason := f.row(rec)
	if reason != "" {
		return Cost{}, &RowError{Line: line, Reason: reason}
	}
	c.Line = line
	return c, nil
}

// RowError is a row the reader could not take, with its line number.
type RowError struct {
	Line   int
	Reason string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// lineLimit fails a read once a line grows past MaxLineBytes.
type lineLimit struct {
	r   io.Reader
	run int // bytes since the last line break
}

// errLineTooLong is the I/O error the CSV reader passes on for an over-long line.
var errLineTooLong = errkind.Errorf(ErrInvalid, "focus file: a line is longer than %d bytes", MaxLineBytes)

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.run = 0
		} else if l.run++; l.run > MaxLineBytes {
			return 0, errLineTooLong
		}
	}
	return n, err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
