package scorefile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"kaohe/internal/score"
)

// valuesHeader is the header of the long-form values file.
var valuesHeader = []string{"entity", "indicator", "value"}

// codes maps the codes of one file column (entity or indicator) to dense
// indices.
type codes map[string]int32

// valuesReader parses a values file against known entities and indicators.
type valuesReader struct {
	file       string
	entities   codes
	indicators codes
	nEnt, nInd int
	workers    int             // parallel chunks for large files; 0 = GOMAXPROCS
	dimensions map[string]bool // codes of dimensions, for a clearer message
}

// parallelMin is the file size from which the values file is parsed in
// parallel chunks.
const parallelMin = 1 << 20

// read parses UTF-8 data (BOM already stripped) into m, an nEnt × nInd
// matrix whose cells are all NaN (missing); a cell keeps NaN when the file
// has no row for it or an empty value. It checks the header, every entity
// and indicator code, every number, and that no (entity, indicator) pair
// appears twice. The first error in file order is returned as an *Error.
//
// A large file is cut at line boundaries into one chunk per core, scanned
// concurrently. Only the first chunk knows its line numbers, so when any
// chunk fails the whole file is scanned again in order: errors cost a
// second pass, success costs none.
func (vr *valuesReader) read(m *score.Matrix, data []byte) error {
	if m.Rows != vr.nEnt || len(m.Cols) != vr.nInd {
		return fmt.Errorf("values matrix is %d × %d, want %d × %d", m.Rows, len(m.Cols), vr.nEnt, vr.nInd)
	}
	nan := math.NaN()
	body, err := vr.header(data)
	if err != nil {
		return err
	}
	if bytes.IndexByte(body, '"') >= 0 {
		// Quoted fields: rare in a machine-made values file, and they may
		// span lines, so take the general CSV reader.
		return vr.readQuoted(m, data)
	}
	seen := make([]uint64, (len(m.Data)+63)/64)
	workers := vr.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > 1 && len(body) >= parallelMin {
		chunks := split(body, workers)
		errs := make([]error, len(chunks))
		var wg sync.WaitGroup
		for i, c := range chunks {
			wg.Go(func() { errs[i] = vr.scan(m, seen, c, 2) })
		}
		wg.Wait()
		if errors.Join(errs...) == nil {
			return nil
		}
		for i := range m.Data {
			m.Data[i] = nan
		}
		clear(seen)
	}
	if err := vr.scan(m, seen, body, 2); err != nil {
		return vr.explainDuplicate(err, body)
	}
	return nil
}

// header checks the first line and returns the data after it.
func (vr *valuesReader) header(data []byte) ([]byte, error) {
	line, rest, _ := bytes.Cut(data, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	fields := bytes.Split(line, []byte{','})
	ok := len(fields) == len(valuesHeader)
	for i := 0; ok && i < len(fields); i++ {
		ok = string(bytes.TrimSpace(bytes.Trim(fields[i], `"`))) == valuesHeader[i]
	}
	if !ok {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, &Error{File: vr.file, Line: 1, Msg: `file is empty, want header "entity,indicator,value"`}
		}
		return nil, &Error{File: vr.file, Line: 1, Msg: fmt.Sprintf(`header is %s, want "entity,indicator,value"`, quote(string(line)))}
	}
	return rest, nil
}

// split cuts body into about n pieces at line boundaries.
func split(body []byte, n int) [][]byte {
	var out [][]byte
	size := len(body) / n
	for len(body) > 0 && len(out) < n-1 {
		cut := size
		if cut >= len(body) {
			break
		}
		nl := bytes.IndexByte(body[cut:], '\n')
		if nl < 0 {
			break
		}
		cut += nl + 1
		out = append(out, body[:cut])
		body = body[cut:]
	}
	return append(out, body)
}

// dupError marks a duplicate (entity, indicator) pair found by scan, so
// that read can add the line of the first occurrence.
type dupError struct {
	err  *Error
	cell int
}

func (d *dupError) Error() string { return d.err.Error() }

// scan parses the lines of chunk, the first being line number first.
// Cells are claimed through seen with an atomic OR, so that concurrent
// scans of different chunks never write the same cell, even when a pair is
// duplicated across chunks.
//
// This is the hot loop of `kaohe score`: one pass over the bytes of each
// line finds the commas; a row naming the same entity as the row before
// (the usual order of a long-form file) skips the entity lookup, and the
// indicator is first compared with the one after the previous row's.
func (vr *valuesReader) scan(m *score.Matrix, seen []uint64, chunk []byte, first int) error {
	line := first - 1
	var lastEnt []byte
	lastE, lastI := int32(-1), int32(-1)
	names := vr.indicatorNames()
	for p := 0; p < len(chunk); {
		line++
		c1, c2, commas := -1, -1, 0
		i := p
		for ; i < len(chunk); i++ {
			ch := chunk[i]
			if ch == '\n' {
				break
			}
			if ch == ',' {
				switch commas {
				case 0:
					c1 = i
				case 1:
					c2 = i
				}
				commas++
			}
		}
		l := chunk[p:i]
		start := p
		p = i + 1
		end := i
		if end > start && chunk[end-1] == '\r' {
			end--
		}
		if commas != 2 {
			if len(trim(chunk[start:end])) == 0 {
				continue
			}
			return vr.fieldCount(line, l)
		}
		ent, ind, val := trim(chunk[start:c1]), trim(chunk[c1+1:c2]), trim(chunk[c2+1:end])
		e := lastE
		if e < 0 || !bytes.Equal(ent, lastEnt) {
			var ok bool
			if e, ok = vr.entities[string(ent)]; !ok {
				return vr.unknownEntity(line, ent)
			}
			lastEnt, lastE = ent, e
		}
		ii := lastI + 1
		if int(ii) >= len(names) || names[ii] != string(ind) {
			var ok bool
			if ii, ok = vr.indicators[string(ind)]; !ok {
				return vr.unknownIndicator(line, ind)
			}
		}
		lastI = ii
		if err := vr.set(m, seen, line, ent, ind, val, e, ii); err != nil {
			return err
		}
	}
	return nil
}

// indicatorNames returns the indicator codes by index.
func (vr *valuesReader) indicatorNames() []string {
	names := make([]string, vr.nInd)
	for c, i := range vr.indicators {
		names[i] = c
	}
	return names
}

// lookup finds the indices of an entity and an indicator code.
func (vr *valuesReader) lookup(line int, ent, ind []byte) (int32, int32, error) {
	e, ok := vr.entities[string(ent)]
	if !ok {
		return 0, 0, vr.unknownEntity(line, ent)
	}
	i, ok := vr.indicators[string(ind)]
	if !ok {
		return 0, 0, vr.unknownIndicator(line, ind)
	}
	return e, i, nil
}

func (vr *valuesReader) unknownEntity(line int, ent []byte) error {
	if len(ent) == 0 {
		return &Error{File: vr.file, Line: line, Field: "entity", Msg: "entity is empty"}
	}
	return &Error{File: vr.file, Line: line, Field: "entity", Msg: fmt.Sprintf("unknown entity %s (not in the entities file)", quote(string(ent)))}
}

func (vr *valuesReader) unknownIndicator(line int, ind []byte) error {
	if len(ind) == 0 {
		return &Error{File: vr.file, Line: line, Field: "indicator", Msg: "indicator is empty"}
	}
	if vr.dimensions[string(ind)] {
		return &Error{File: vr.file, Line: line, Field: "indicator", Msg: fmt.Sprintf("indicator %s is a dimension: its score comes from its children, it takes no values", quote(string(ind)))}
	}
	return &Error{File: vr.file, Line: line, Field: "indicator", Msg: fmt.Sprintf("unknown indicator %s (not a value indicator of the scheme)", quote(string(ind)))}
}

// set parses val and stores it in cell (e, i), claiming the cell in seen.
func (vr *valuesReader) set(m *score.Matrix, seen []uint64, line int, ent, ind, val []byte, e, i int32) error {
	v := math.NaN()
	if len(val) > 0 {
		var ok bool
		if v, ok = parseDecimal(val); !ok {
			var err error
			// The string shares val's bytes; ParseFloat does not keep it.
			v, err = strconv.ParseFloat(unsafe.String(unsafe.SliceData(val), len(val)), 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(v) {
				return &Error{File: vr.file, Line: line, Field: "value", Msg: fmt.Sprintf("value %s is not a number", quote(string(val)))}
			}
			if math.IsInf(v, 0) {
				return &Error{File: vr.file, Line: line, Field: "value", Msg: fmt.Sprintf("value %s is not a finite number", quote(string(val)))}
			}
		}
	}
	cell := int(i)*m.Rows + int(e)
	mask := uint64(1) << (cell & 63)
	if atomic.OrUint64(&seen[cell>>6], mask)&mask != 0 {
		return &dupError{err: &Error{File: vr.file, Line: line, Field: "indicator",
			Msg: fmt.Sprintf("duplicate value for entity %s and indicator %s", quote(string(ent)), quote(string(ind)))}, cell: cell}
	}
	m.Data[cell] = v
	return nil
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal parses the common plain form [-]digits[.digits] with at
// most 15 digits. Then the digits as an integer and the power of ten are
// both exact in float64, and one division rounds correctly (Clinger's fast
// path), so the result equals strconv.ParseFloat's. Other forms report
// false and go to ParseFloat.
func parseDecimal(b []byte) (float64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	v := float64(m) / pow10[frac]
	if neg {
		v = -v
	}
	return v, true
}

// explainDuplicate adds the line of the first occurrence to a duplicate
// error; other errors are returned as they are.
func (vr *valuesReader) explainDuplicate(err error, body []byte) error {
	var de *dupError
	if !errors.As(err, &de) {
		return err
	}
	probe := &valuesReader{file: vr.file, entities: vr.entities, indicators: vr.indicators, nEnt: vr.nEnt, nInd: vr.nInd}
	m := score.NewMatrix(vr.nEnt, make([]string, vr.nInd))
	// Scan again with only the duplicate's cell pre-claimed: the first line
	// that hits it is the first occurrence.
	seen := make([]uint64, (len(m.Data)+63)/64)
	seen[de.cell>>6] |= 1 << (de.cell & 63)
	if err := probe.scan(&m, seen, body, 2); err != nil {
		var first *dupError
		if errors.As(err, &first) && first.err.Line < de.err.Line {
			de.err.Msg += fmt.Sprintf(" (first on line %d)", first.err.Line)
		}
	}
	return de.err
}

// fieldCount reports a line that does not have three fields.
func (vr *valuesReader) fieldCount(line int, l []byte) error {
	n := bytes.Count(l, []byte{','}) + 1
	return &Error{File: vr.file, Line: line, Msg: fmt.Sprintf("has %d fields, want 3 (entity,indicator,value)", n)}
}

// readQuoted is the general path for values files with quoted fields.
func (vr *valuesReader) readQuoted(m *score.Matrix, data []byte) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	seen := make([]uint64, (len(m.Data)+63)/64)
	if _, err := r.Read(); err != nil {
		return csvError(vr.file, err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(vr.file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && len(trim([]byte(rec[0]))) == 0 {
			continue
		}
		if len(rec) != 3 {
			return &Error{File: vr.file, Line: line, Msg: fmt.Sprintf("has %d fields, want 3 (entity,indicator,value)", len(rec))}
		}
		ent, ind := trim([]byte(rec[0])), trim([]byte(rec[1]))
		e, i, err := vr.lookup(line, ent, ind)
		if err != nil {
			return err
		}
		if err := vr.set(m, seen, line, ent, ind, trim([]byte(rec[2])), e, i); err != nil {
			var de *dupError
			if errors.As(err, &de) {
				return de.err
			}
			return err
		}
	}
}

// trim removes ASCII spaces and tabs around a field.
func trim(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// noValues returns a warning when the values file, already read into m,
// holds no value at all — only its header, or rows whose values are all
// empty — while the scheme has quantitative indicators, which take their
// data from nowhere else: every one of them is then missing for every
// entity, and the totals rest on ratings and points alone (or are empty).
// That is legal but almost always the wrong file, so the run goes on and
// says so.
func (vr *valuesReader) noValues(m *score.Matrix, data []byte, sf *schemeFile) (Warning, bool) {
	for _, v := range m.Data {
		if !math.IsNaN(v) {
			return Warning{}, false
		}
	}
	quantitative := false
	for _, k := range sf.kinds {
		quantitative = quantitative || k == score.KindQuantitative
	}
	if !quantitative {
		return Warning{}, false
	}
	rows := 0
	if _, body, ok := bytes.Cut(data, []byte{'\n'}); ok {
		for l := range bytes.SplitSeq(body, []byte{'\n'}) {
			if len(bytes.TrimSpace(l)) > 0 {
				rows++
			}
		}
	}
	what := "only the header"
	switch {
	case rows == 1:
		what = "its one row has an empty value"
	case rows > 1:
		what = fmt.Sprintf("all %d rows have an empty value", rows)
	}
	return Warning{File: vr.file, Msg: fmt.Sprintf("no values (%s): every quantitative indicator is missing for every entity", what)}, true
}
