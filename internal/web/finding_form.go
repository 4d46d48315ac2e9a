package web

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
	"kaohe/internal/locale"
)

// findingForm is the form that records or changes a finding, as filled in.
type findingForm struct {
	Body, Source, Category, Severity, FoundOn, Reference, Title, Description, Unit string
	// People are the ids of the cadres ticked.
	People map[int64]bool
	Reason string
}

// findingFormView is the form with its choices: the bodies (when the actor
// records as several), the units of their jurisdictions, the cadres of the
// chosen unit, and the labelled codes.
type findingFormView struct {
	F                               findingForm
	Bodies, Units                   []option
	Sources, Categories, Severities []option
	// Unit names the chosen unit; People are its cadres.
	Unit     string
	People   []personChoice
	MaxFiles int
	// Action is where an edit form posts; "" for the form that records.
	Action string
	// Errors are the localized problems of a refused form.
	Errors []string
}

type personChoice struct {
	ID         int64
	Name, Unit string
	Checked    bool
}

// codeOptions are the labelled choices of a kind of code.
func codeOptions[T ~string](loc *locale.Localizer, prefix string, codes []T) []option {
	out := make([]option, len(codes))
	for i, c := range codes {
		out[i] = option{Value: string(c), Label: loc.T(prefix + string(c))}
	}
	return out
}

// findingFormView builds the form for f with what the actor may choose;
// the cadres offered are those of f's unit.
func (h *Handler) findingFormView(ctx context.Context, loc *locale.Localizer, a *auth.Actor, f findingForm) (*findingFormView, error) {
	unitID, _ := strconv.ParseInt(f.Unit, 10, 64)
	ch, err := h.finding.Choices(ctx, a, unitID)
	if unitID != 0 && errs.Is(err, errs.NotFound) {
		ch, err = h.finding.Choices(ctx, a, 0) // a unit the actor may not name: none chosen
	}
	if err != nil {
		return nil, err
	}
	v := &findingFormView{F: f, MaxFiles: finding.MaxFiles,
		Sources:    codeOptions(loc, "finding.source.", finding.Sources),
		Categories: codeOptions(loc, "finding.category.", finding.Categories),
		Severities: codeOptions(loc, "finding.severity.", finding.Severities)}
	if len(ch.Bodies) > 1 {
		for _, b := range ch.Bodies {
			v.Bodies = append(v.Bodies, option{Value: strconv.FormatInt(b.ID, 10), Label: b.Name})
		}
	}
	for _, u := range ch.Units {
		v.Units = append(v.Units, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	if ch.Unit != nil {
		v.Unit = ch.Unit.Name
		for _, p := range ch.People {
			v.People = append(v.People, personChoice{ID: p.ID, Name: p.Name, Unit: p.UnitName, Checked: f.People[p.ID]})
		}
	}
	return v, nil
}

// readFindingForm reads the posted form (multipart when it carries files)
// into the form and a draft, with the files uploaded.
func readFindingForm(w http.ResponseWriter, r *http.Request) (findingForm, finding.Draft, []finding.Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, finding.MaxFiles*(collect.MaxEvidence+1<<16)+1<<20)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return findingForm{}, finding.Draft{}, nil, errBadForm()
	}
	f := findingForm{Body: r.PostFormValue("body"), Source: r.PostFormValue("source"), Category: r.PostFormValue("category"),
		Severity: r.PostFormValue("severity"), FoundOn: strings.TrimSpace(r.PostFormValue("found_on")), Reference: r.PostFormValue("reference"),
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Unit: r.PostFormValue("unit"),
		Reason: r.PostFormValue("reason"), People: map[int64]bool{}}
	d := finding.Draft{Source: finding.Source(f.Source), Category: finding.Category(f.Category), Severity: finding.Severity(f.Severity),
		FoundOn: f.FoundOn, Reference: f.Reference, Title: f.Title, Description: f.Description}
	d.BodyID, _ = strconv.ParseInt(f.Body, 10, 64)
	d.UnitID, _ = strconv.ParseInt(f.Unit, 10, 64)
	for _, s := range r.PostForm["people"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			f.People[id] = true
			d.PersonIDs = append(d.PersonIDs, id)
		}
	}
	files, err := uploads(r, "files")
	return f, d, files, err
}

// uploads reads the files of a multipart field.
func uploads(r *http.Request, field string) ([]finding.Upload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []finding.Upload
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the empty part of a form without files
		}
		file, err := fh.Open()
		if err != nil {
			return nil, errBadForm()
		}
		data, err := io.ReadAll(io.LimitReader(file, collect.MaxEvidence+1))
		file.Close()
		if err != nil {
			return nil, errBadForm()
		}
		out = append(out, finding.Upload{Name: fh.Filename, Data: data})
	}
	return out, nil
}

// findingPath is the page of finding id.
func findingPath(id int64) string { return "/findings/" + strconv.FormatInt(id, 10) }
