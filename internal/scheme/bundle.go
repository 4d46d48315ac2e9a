package scheme

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/score"
)

// BundleFormat identifies the JSON export of a scheme.
const BundleFormat = "kaohe-scheme/1"

// MaxImport is the largest scheme file accepted, in bytes.
const MaxImport = 8 << 20

// Bundle is a scheme document with the library definitions of its leaves:
// what an export holds and an import gives.
type Bundle struct {
	Scheme *score.Scheme
	// Library defines the document's leaf indicators, in document order.
	Library []Indicator
	// Rows gives the sheet row of each Library entry of an Excel import
	// (0 otherwise), for messages.
	Rows []int
}

// bundleJSON is the JSON form of a Bundle.
type bundleJSON struct {
	Format  string          `json:"format"`
	Scheme  json.RawMessage `json:"scheme"`
	Library []libraryJSON   `json:"library"`
}

type libraryJSON struct {
	Code        string          `json:"code"`
	Name        string          `json:"name"`
	Unit        string          `json:"unit,omitempty"`
	Direction   score.Direction `json:"direction"`
	Kind        score.Kind      `json:"kind"`
	DataItem    string          `json:"data_item,omitempty"`
	Formula     string          `json:"formula,omitempty"`
	Key         bool            `json:"key,omitempty"`
	Leading     bool            `json:"leading,omitempty"`
	Description string          `json:"description,omitempty"`
}

// NewBundle returns the bundle of a document with the library entries of
// its leaves (those in lib).
func NewBundle(doc *score.Scheme, lib map[string]*Indicator) *Bundle {
	b := &Bundle{Scheme: clone(doc)}
	parents := parentSet(doc)
	for i := range doc.Indicators {
		ind := &doc.Indicators[i]
		if def, ok := lib[ind.Code]; ok && isLeaf(parents, ind) {
			b.Library = append(b.Library, *def)
		}
	}
	return b
}

// MarshalJSON writes the bundle: {"format", "scheme", "library"}, the
// scheme in canonical form.
func (b *Bundle) MarshalJSON() ([]byte, error) {
	doc, err := Canonical(b.Scheme)
	if err != nil {
		return nil, err
	}
	out := bundleJSON{Format: BundleFormat, Scheme: doc, Library: []libraryJSON{}}
	for _, ind := range b.Library {
		out.Library = append(out.Library, libraryJSON{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Direction: ind.Direction,
			Kind: ind.Kind, DataItem: ind.DataItem, Formula: ind.Formula, Key: ind.Key, Leading: ind.Leading, Description: ind.Description})
	}
	return json.Marshal(out)
}

// ExportJSON writes the bundle as indented JSON.
func (b *Bundle) ExportJSON(w io.Writer) error {
	raw, err := b.MarshalJSON()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// jsonError is an Invalid error about a JSON file.
func jsonError(field, msg string) *errs.Error {
	e := errs.New(errs.Invalid, "scheme.import.json_invalid", msg)
	e.Field = field
	e.Args = map[string]any{"detail": msg}
	return e
}

// ParseJSON reads a scheme file: a bundle as ExportJSON writes it, or a
// bare scheme document (the engine's format, as `kaohe score` reads it),
// whose leaves must then be in the library already. Unknown fields are
// rejected. It checks the document's structure; the library and weight
// rules are checked when the version is stored.
func ParseJSON(data []byte) (*Bundle, error) {
	if len(data) > MaxImport {
		return nil, jsonError("", fmt.Sprintf("the file is larger than %d MiB", MaxImport>>20))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, jsonError("", "not a JSON object: "+err.Error())
	}
	if _, bare := probe["indicators"]; bare {
		doc, err := decodeScheme(data)
		if err != nil {
			return nil, err
		}
		return &Bundle{Scheme: doc}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var bj bundleJSON
	if err := dec.Decode(&bj); err != nil {
		return nil, jsonError("", err.Error())
	}
	if bj.Format != BundleFormat {
		return nil, jsonError("format", fmt.Sprintf("format %q is not %q", bj.Format, BundleFormat))
	}
	if len(bj.Scheme) == 0 {
		return nil, jsonError("scheme", "the scheme is missing")
	}
	doc, err := decodeScheme(bj.Scheme)
	if err != nil {
		return nil, err
	}
	b := &Bundle{Scheme: doc}
	var l errs.List
	seen := map[string]bool{}
	for k, lj := range bj.Library {
		ind := Indicator{Code: lj.Code, Name: lj.Name, Unit: lj.Unit, Direction: lj.Direction, Kind: lj.Kind,
			DataItem: lj.DataItem, Formula: lj.Formula, Key: lj.Key, Leading: lj.Leading, Description: lj.Description}
		if err := ind.Validate(); err != nil {
			var e *errs.Error
			if errors.As(err, &e) {
				e.Field = fmt.Sprintf("library[%d].%s", k, e.Field)
				l.Add(e)
			}
			continue
		}
		if seen[ind.Code] {
			l.Add(jsonError(fmt.Sprintf("library[%d].code", k), fmt.Sprintf("indicator %q is defined twice", ind.Code)))
			continue
		}
		seen[ind.Code] = true
		b.Library = append(b.Library, ind)
		b.Rows = append(b.Rows, 0)
	}
	if len(l) > 0 {
		return nil, l
	}
	return b, nil
}

// decodeScheme decodes a document strictly and checks it with the engine.
func decodeScheme(data []byte) (*score.Scheme, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s score.Scheme
	if err := dec.Decode(&s); err != nil {
		return nil, jsonError("scheme", err.Error())
	}
	if dec.More() {
		return nil, jsonError("scheme", "trailing data after the JSON object")
	}
	if l := checkDocument(&s); len(l) > 0 {
		return nil, l
	}
	return &s, nil
}

// Export returns the bundle of version id: its document and the current
// library definitions of its leaves.
func (s *Service) Export(ctx context.Context, a *auth.Actor, id int64) (*Bundle, *Version, error) {
	var (
		b *Bundle
		v *Version
	)
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		if v, _, err = s.authorizeVersion(ctx, tx, a, auth.ActSchemeRead, id); err != nil {
			return err
		}
		lib, err := library(ctx, tx)
		if err != nil {
			return err
		}
		b = NewBundle(v.Doc, lib)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return b, v, nil
}

// Import stores a bundle as a new draft version of scheme schemeID, adding
// its library definitions that are missing from the library. Nothing is
// written when anything is wrong.
func (s *Service) Import(ctx context.Context, a *auth.Actor, schemeID int64, b *Bundle, reason, cycle, from string) (*Version, error) {
	if b == nil || b.Scheme == nil {
		return nil, errs.Field("document", "scheme.version.document_required", "the scheme document is required")
	}
	return s.CreateVersion(ctx, a, schemeID, Draft{Doc: b.Scheme, Library: b.Library, Rows: b.Rows,
		Reason: strings.TrimSpace(reason), EffectiveCycle: strings.TrimSpace(cycle), EffectiveFrom: strings.TrimSpace(from)})
}

// categoryNames returns the codes with the names of their categories (the
// code itself for a code that names none).
func categoryNames(ctx context.Context, tx *db.Tx, codes []string) ([]Category, error) {
	all, err := org.AllCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(all))
	for _, c := range all {
		names[c.Code] = c.Name
	}
	var out []Category
	for _, c := range codes {
		cat := Category{Code: c, Name: c}
		if n, ok := names[c]; ok {
			cat.Name = n
		}
		out = append(out, cat)
	}
	return out, nil
}

// ExportExcel writes version id as a workbook (see Bundle.ExportExcel)
// with a weights sheet for each category of its scheme.
func (s *Service) ExportExcel(ctx context.Context, a *auth.Actor, id int64, w io.Writer) (*Version, error) {
	var (
		b    *Bundle
		v    *Version
		cats []Category
	)
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var (
			sc  *Scheme
			err error
		)
		if v, sc, err = s.authorizeVersion(ctx, tx, a, auth.ActSchemeRead, id); err != nil {
			return err
		}
		lib, err := library(ctx, tx)
		if err != nil {
			return err
		}
		b = NewBundle(v.Doc, lib)
		cats, err = categoryNames(ctx, tx, sc.Categories)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, b.ExportExcel(w, cats)
}
