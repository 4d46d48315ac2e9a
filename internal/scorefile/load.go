// Package scorefile reads the input files of `kaohe score` — a scheme in
// JSON and entities, values, ratings and findings in CSV — into a
// score.Input, and writes results and explanations as CSV.
//
// Readers check everything a person can get wrong in a file and report the
// first problem as an *Error naming the file, line and field. CSV files may
// be UTF-8, with or without a byte-order mark, or GBK. The long-form
// values file, the big one, is parsed by a hand-written scanner in
// parallel chunks (see values.go).
package scorefile

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"kaohe/internal/score"
)

// Files names the input files of one scoring run. Ratings and Findings are
// optional.
type Files struct {
	Scheme   string
	Entities string
	Values   string
	Ratings  string
	Findings string
}

// Load reads and checks the files into an Input ready for score.Compute.
// enc is the encoding of the CSV files. Any problem with the input is
// returned as an *Error; what is suspicious but can be scored (a values
// file without values) is returned as warnings, for the caller to show.
func Load(files Files, enc Encoding) (*score.Input, []Warning, error) {
	// Read and check the encoding of the big values file while the small
	// ones are parsed.
	var values []byte
	var valuesErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		values, valuesErr = readCSV(files.Values, enc)
	}()
	defer func() { <-read }() // never leave the reader running

	sf, err := loadScheme(files.Scheme)
	if err != nil {
		return nil, nil, err
	}
	data, err := readCSV(files.Entities, enc)
	if err != nil {
		return nil, nil, err
	}
	entities, err := readEntities(files.Entities, data)
	if err != nil {
		return nil, nil, err
	}
	if err := sf.checkGroupWeights(files.Entities, entities); err != nil {
		return nil, nil, err
	}
	in, err := score.NewInput(sf.scheme, entities)
	if err != nil {
		return nil, nil, fmt.Errorf("prepare input: %w", err)
	}
	ents := entityIndex(entities)

	if files.Ratings != "" {
		if data, err = readCSV(files.Ratings, enc); err != nil {
			return nil, nil, err
		}
		if in.Ratings, err = readRatings(files.Ratings, data, sf, ents); err != nil {
			return nil, nil, err
		}
	}
	if files.Findings != "" {
		if data, err = readCSV(files.Findings, enc); err != nil {
			return nil, nil, err
		}
		if in.Findings, err = readFindings(files.Findings, data, sf, ents); err != nil {
			return nil, nil, err
		}
	}

	<-read
	if valuesErr != nil {
		return nil, nil, valuesErr
	}
	inds := make(codes, len(in.Values.Cols))
	for j, c := range in.Values.Cols {
		inds[c] = int32(j)
	}
	vr := &valuesReader{file: files.Values, entities: ents, indicators: inds, nEnt: len(entities), nInd: len(in.Values.Cols),
		dimensions: map[string]bool{}}
	for code, k := range sf.kinds {
		if k == score.KindDimension {
			vr.dimensions[code] = true
		}
	}
	if err := vr.read(&in.Values, values); err != nil {
		return nil, nil, err
	}
	var warnings []Warning
	if w, ok := vr.noValues(&in.Values, values, sf); ok {
		warnings = append(warnings, w)
	}
	return in, warnings, nil
}

// checkGroupWeights refuses a per-group weight (an indicator's
// "weights") keyed by a group that no entity of the entities file has:
// the engine would silently apply the indicator's plain weight instead,
// as it does when a group name is misspelt or garbled by the wrong
// encoding. The error points at the key in the scheme and lists the
// groups there are.
func (sf *schemeFile) checkGroupWeights(entitiesFile string, entities []score.Entity) error {
	has := map[string]bool{}
	var groups []string
	for _, e := range entities {
		if !has[e.Group] {
			has[e.Group] = true
			groups = append(groups, e.Group)
		}
	}
	for i, ind := range sf.scheme.Indicators {
		keys := make([]string, 0, len(ind.Weights))
		for g := range ind.Weights {
			if !has[g] {
				keys = append(keys, g)
			}
		}
		if len(keys) == 0 {
			continue
		}
		slices.Sort(keys)
		g := keys[0]
		msg := fmt.Sprintf("indicator %s: weight for group %s, which no entity has (the groups of %s are %s)",
			quote(ind.Code), quote(g), entitiesFile, listGroups(groups))
		return sf.errorAt(fmt.Sprintf("indicators[%d].weights.%s", i, g), "weights", msg, nil)
	}
	return nil
}

// listGroups lists group names for a message, the first ten of them.
func listGroups(groups []string) string {
	const max = 10
	q := make([]string, 0, min(len(groups), max))
	for _, g := range groups[:min(len(groups), max)] {
		q = append(q, quote(g))
	}
	s := strings.Join(q, ", ")
	if len(groups) > max {
		s += fmt.Sprintf(" and %d more", len(groups)-max)
	}
	return s
}

// LoadScheme reads a scheme JSON file and validates it. A syntax or type
// error, an unknown field and every problem Validate finds are returned as
// an *Error with the line and column of the offending element.
func LoadScheme(path string) (*score.Scheme, error) {
	sf, err := loadScheme(path)
	if err != nil {
		return nil, err
	}
	return sf.scheme, nil
}

func loadScheme(path string) (*schemeFile, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return parseScheme(path, data)
}

// parseScheme decodes and validates a scheme document.
func parseScheme(file string, data []byte) (*schemeFile, error) {
	sf, err := readScheme(file, data)
	if err != nil {
		return nil, err
	}
	if err := sf.scheme.Validate(); err != nil {
		return nil, sf.locate(err)
	}
	return sf, nil
}

// locate turns a score.Error from Validate into an *Error with the line
// and column of its path.
func (sf *schemeFile) locate(err error) error {
	var se *score.Error
	if !errors.As(err, &se) {
		return &Error{File: sf.name, Msg: err.Error(), Err: err}
	}
	msg := se.Msg
	switch {
	case se.Indicator != "":
		msg = fmt.Sprintf("indicator %s: %s", quote(se.Indicator), msg)
	case se.Path != "":
		msg = se.Path + ": " + msg
	}
	path := se.Path
	if path == "" && se.Indicator != "" {
		path = sf.indicatorPath(se.Indicator)
	}
	if se.Field != "" {
		if _, ok := sf.pos[path+"."+se.Field]; ok {
			path += "." + se.Field
		}
	}
	return sf.errorAt(path, se.Field, msg, err)
}

// readFile reads a whole input file; a missing or unreadable file is an
// *Error too.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		msg := err.Error()
		if errors.As(err, &pe) {
			msg = "cannot read: " + pe.Err.Error()
		}
		return nil, &Error{File: path, Msg: msg, Err: err}
	}
	return data, nil
}

// readCSV reads a CSV file and converts it to UTF-8.
func readCSV(path string, enc Encoding) ([]byte, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return toUTF8(path, data, enc)
}
