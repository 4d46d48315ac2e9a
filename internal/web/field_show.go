package web

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/fieldwork"
	"kaohe/internal/locale"
	"kaohe/internal/score"
)

// fieldShowData is the content of an entity's field work page: its
// verifications, interviews (for their readers) and judgements, with the
// forms that record them.
type fieldShowData struct {
	C *cycle.Cycle
	E *cycle.Entity
	// Link is the entity's unit or person page.
	Link          string
	Verifications []verificationRow
	MayInterviews bool
	Interviews    []interviewRow
	Judgements    []judgementRow
	Items         []fieldwork.Item
	People        []personOption
	// Write shows the forms: the actor may record and the cycle is open.
	Write bool
	Open  bool
	V     verificationForm
	I     interviewForm
	// Errors are the problems of the form named by ErrorsOf
	// ("verification", "interview" or "judgement") that was refused.
	Errors   []string
	ErrorsOf string
	MaxFiles int
}

type verificationRow struct {
	Day, Checked, Finding string
	// Indicator names the value verified; Previous and Found are set with
	// it.
	Indicator, Previous, Found string
	Corrected                  bool
	Reason, Recorder           string
	At                         time.Time
	Files                      []*fieldwork.File
}

type interviewRow struct {
	Day, Person, Unit, Interviewer, Notes, Recorder string
	At                                              time.Time
}

// judgementRow is a qualitative indicator with its judgement and its row
// of the judgement form.
type judgementRow struct {
	Row        int
	Code, Name string
	Grades     []score.GradePoint
	// Current is the judgement recorded, "" for none.
	Current, Basis, Recorder string
	At                       time.Time
	// Grade, Score and Note are the form's values.
	Grade, Score, Note string
}

type personOption struct {
	ID         int64
	Name, Unit string
}

type verificationForm struct{ CheckedOn, Checked, Finding, Item, Value, Reason string }

type interviewForm struct{ Person, HeldOn, Interviewer, Notes string }

// fieldForms are the forms of a re-rendered page: as the actor filled
// them in, with the problems of the refused one.
type fieldForms struct {
	V        verificationForm
	I        interviewForm
	J        map[string]fieldwork.JudgementRow
	Errors   []string
	ErrorsOf string
}

// fieldShow shows the field work on one entity of a cycle.
func (h *Handler) fieldShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderField(w, r, a, http.StatusOK, nil)
}

// renderField renders an entity's field work page with forms as given
// (nil for fresh ones).
func (h *Handler) renderField(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, forms *fieldForms) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.field.Record(r.Context(), a, id, r.PathValue("entity"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "field")
	today := time.Now().In(beijing).Format(time.DateOnly)
	data := fieldShowData{C: rec.Cycle, E: rec.Entity, Items: rec.Items, Write: rec.Write && rec.Open, Open: rec.Open,
		MayInterviews: rec.MayInterviews, MaxFiles: fieldwork.MaxFiles,
		V: verificationForm{CheckedOn: today}, I: interviewForm{HeldOn: today, Interviewer: a.Name}}
	data.Link = "/units/" + strconv.FormatInt(rec.Entity.UnitID, 10)
	if rec.Entity.PersonID != 0 {
		data.Link = "/people/" + strconv.FormatInt(rec.Entity.PersonID, 10)
	}
	if forms != nil {
		data.Errors, data.ErrorsOf = forms.Errors, forms.ErrorsOf
		switch forms.ErrorsOf {
		case "verification":
			data.V = forms.V
		case "interview":
			data.I = forms.I
		}
	}
	indicator := map[string]string{}
	for _, it := range rec.Items {
		indicator[it.Code] = it.Indicator
	}
	for _, v := range rec.Verifications {
		row := verificationRow{Day: dayText(p.loc, v.CheckedOn), Checked: v.Checked, Finding: v.Finding, Corrected: v.Corrected,
			Reason: v.Reason, Recorder: v.Recorder, At: v.CreatedAt, Files: v.Files}
		if v.Item != "" {
			row.Indicator = indicator[v.Item]
			if row.Indicator == "" {
				row.Indicator = p.loc.T("fieldwork.value_other")
			}
			row.Previous, row.Found = plain(*v.Previous), plain(*v.Found)
		}
		data.Verifications = append(data.Verifications, row)
	}
	for _, iv := range rec.Interviews {
		data.Interviews = append(data.Interviews, interviewRow{Day: dayText(p.loc, iv.HeldOn), Person: iv.Person, Unit: iv.PersonUnit,
			Interviewer: iv.Interviewer, Notes: iv.Notes, Recorder: iv.Recorder, At: iv.CreatedAt})
	}
	for _, pe := range rec.People {
		data.People = append(data.People, personOption{ID: pe.ID, Name: pe.Name, Unit: pe.UnitName})
	}
	judged := map[string]*fieldwork.Judgement{}
	for _, j := range rec.Judgements {
		judged[j.Indicator] = j
	}
	for k, l := range rec.Leaves {
		row := judgementRow{Row: k + 1, Code: l.Code, Name: l.Name, Grades: l.Grades}
		if j := judged[l.Code]; j != nil {
			row.Current, row.Basis, row.Recorder, row.At = judgementText(j), j.Basis, j.Recorder, j.UpdatedAt
			row.Grade, row.Note = j.Grade, j.Basis
			if j.Grade == "" {
				row.Score = plain(j.Value)
			}
		}
		if forms != nil && forms.ErrorsOf == "judgement" {
			f := forms.J[l.Code]
			row.Grade, row.Score, row.Note = f.Grade, f.Score, f.Basis
		}
		data.Judgements = append(data.Judgements, row)
	}
	p.Title = p.loc.T("fieldwork.of", "Name", rec.Entity.Name)
	p.Data = data
	h.render(w, r, status, "field_show", p)
}

// judgementText shows a judgement: its grade and points, or its score.
func judgementText(j *fieldwork.Judgement) string {
	if j.Grade != "" {
		return j.Grade + "（" + plain(j.Value) + "）"
	}
	return plain(j.Value)
}

// plain writes a value in its shortest form.
func plain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// dayText shows a day 'YYYY-MM-DD' in the language's form.
func dayText(loc *locale.Localizer, day string) string {
	t, err := time.ParseInLocation(time.DateOnly, day, beijing)
	if err != nil {
		return day
	}
	return loc.Date(t)
}
