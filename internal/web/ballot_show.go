package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"kaohe/internal/errs"
	"kaohe/internal/survey"
)

// ballotData is the content of the phone ballot: the form of a code or of
// a public survey, or what to say instead (code unknown, used, closed,
// thanks).
type ballotData struct {
	// State is form, enter (type a code), unknown, used, closed or done.
	State  string
	Action string
	Code   string
	Title  string
	Period string
	Group  string
	Public bool
	// Rule is the broken validity rule's message; the form then offers to
	// cast the ballot as invalid.
	Rule string
	// Error is why the sent ballot was refused.
	Error string
	// Subjects and Questions are the ballot's steps, one screen each on a
	// phone: every subject, then the optional questions together, whose
	// step is QuestionStep.
	Subjects     []ballotSubject
	Questions    []ballotQuestion
	QuestionStep ballotStep
	// Fields is the rendered fields of a blank ballot, from the cache.
	Fields template.HTML
}

type ballotSubject struct {
	Name, Detail string
	Step         ballotStep
	Items        []ballotItem
}

// ballotStep is one screen of the ballot: the N-th of Total, from 1.
type ballotStep struct{ N, Total int }

// First and Last tell whether there is no step before or after.
func (s ballotStep) First() bool { return s.N == 1 }
func (s ballotStep) Last() bool  { return s.N == s.Total }

type ballotItem struct {
	// Field is the form field: "a.<subject>.<item>".
	Field, Label string
	Score        bool
	Value        string
	Options      []ballotOption
}

type ballotOption struct {
	ID, Value, Label string
	Checked          bool
}

type ballotQuestion struct {
	Field, Label string
	Options      []ballotOption
}

// ballotShow shows the ballot of a code on the rater's phone. No sign-in:
// the code is the credential.
func (h *Handler) ballotShow(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	f, err := h.survey.Form(r.Context(), code)
	if err != nil {
		h.ballotState(w, r, err)
		return
	}
	d := ballotData{State: "form", Action: "/b/" + code, Code: survey.FormatCode(code)}
	switch {
	case f.Used:
		d.State = "used"
	case !f.Open:
		d.State = "closed"
	}
	h.renderBallot(w, r, http.StatusOK, f.Evaluation, f.Group, d, nil)
}

// ballotState renders the ballot page for a code that cannot be used, or
// the error page for a fault of ours.
func (h *Handler) ballotState(w http.ResponseWriter, r *http.Request, err error) {
	state := ""
	switch {
	case errs.Is(err, errs.NotFound):
		state = "unknown"
	case errs.Is(err, errs.Conflict):
		state = "used"
		var e *errs.Error
		if errors.As(err, &e) && e.Key == survey.KeyNotOpen {
			state = "closed"
		}
	}
	if state == "" {
		h.fail(w, r, err)
		return
	}
	status := http.StatusNotFound
	if state != "unknown" {
		status = http.StatusConflict
	}
	h.renderBallot(w, r, status, nil, "", ballotData{State: state}, nil)
}

// renderBallot fills the form of e for rater group g (the values of a
// refused submission kept) and renders the phone page.
func (h *Handler) renderBallot(w http.ResponseWriter, r *http.Request, status int, e *survey.Evaluation, g survey.GroupCode,
	d ballotData, values map[string]string) {
	p := h.newPage(r, "")
	if e != nil {
		d.Title, d.Period = e.Title, e.Period
		if g != "" {
			d.Group = p.loc.T("survey.group." + string(g))
		}
	}
	// The fields of a blank ballot are the same for every rater of an open
	// evaluation (whose subjects never change once it opens): they are
	// rendered once per evaluation and language, and a meeting hall's
	// phones get them from memory.
	key := fmt.Sprintf("%d|%s|%t", 0, p.Lang, d.Public)
	if e != nil {
		key = fmt.Sprintf("%d|%s|%t", e.ID, p.Lang, d.Public)
	}
	blank := e != nil && d.State == "form" && values == nil
	if blank {
		if f, ok := h.ballotFields.Load(key); ok {
			d.Fields = f.(template.HTML)
			p.Data = d
			h.write(w, r, status, "ballot_show", "ballot_layout", p)
			return
		}
	}
	if e != nil {
		// A ballot repeats a few labels hundreds of times: translate each once.
		labels := map[string]string{}
		label := func(key string) string {
			l, ok := labels[key]
			if !ok {
				l = p.loc.T(key)
				labels[key] = l
			}
			return l
		}
		for _, s := range e.Subjects {
			bs := ballotSubject{Name: s.Name, Detail: s.Detail}
			for _, it := range s.Q().Items {
				field := "a." + strconv.FormatInt(s.ID, 10) + "." + it.Code
				bi := ballotItem{Field: field, Label: label(it.Key), Score: it.Kind == survey.ItemScore, Value: values[field]}
				if it.Scale != nil {
					for k, gr := range it.Scale.Grades {
						bi.Options = append(bi.Options, ballotOption{ID: field + "." + strconv.Itoa(k), Value: gr.Label,
							Label: label("survey.grade." + it.Scale.Code + "." + strconv.Itoa(k)), Checked: values[field] == gr.Label})
					}
				}
				bs.Items = append(bs.Items, bi)
			}
			d.Subjects = append(d.Subjects, bs)
		}
		if d.Public {
			for _, q := range e.Rules.Questions {
				field := "q." + q.Code
				bq := ballotQuestion{Field: field, Label: q.Label}
				for k, o := range q.Options {
					bq.Options = append(bq.Options, ballotOption{ID: field + "." + strconv.Itoa(k), Value: o, Label: o,
						Checked: values[field] == o})
				}
				d.Questions = append(d.Questions, bq)
			}
		}
		steps := len(d.Subjects)
		if len(d.Questions) > 0 {
			steps++
			d.QuestionStep = ballotStep{N: steps, Total: steps}
		}
		for i := range d.Subjects {
			d.Subjects[i].Step = ballotStep{N: i + 1, Total: steps}
		}
	}
	if blank {
		b, err := h.views.execute(p.Lang, "ballot_show", "ballot_fields", d)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Fields = template.HTML(b) // rendered by html/template just above
		h.ballotFields.Store(key, d.Fields)
	}
	p.Data = d
	h.write(w, r, status, "ballot_show", "ballot_layout", p)
}

// ballotAnswers reads the answers of e's form; values keeps what was sent,
// to show again when the ballot is refused.
func ballotAnswers(r *http.Request, e *survey.Evaluation, public bool) (answers []survey.Answer, values map[string]string) {
	values = map[string]string{}
	for _, s := range e.Subjects {
		for _, it := range s.Q().Items {
			field := fmt.Sprintf("a.%d.%s", s.ID, it.Code)
			v := r.PostFormValue(field)
			values[field] = v
			a := survey.Answer{Subject: s.ID, Item: it.Code}
			switch {
			case v == "":
				continue // the service names the missing answer
			case it.Kind == survey.ItemScore:
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					f = -1 // refused as out of range
				}
				a.Score = &f
			default:
				a.Grade = v
			}
			answers = append(answers, a)
		}
	}
	if public {
		for _, q := range e.Rules.Questions {
			if v := r.PostFormValue("q." + q.Code); v != "" {
				values["q."+q.Code] = v
				answers = append(answers, survey.Answer{Item: q.Code, Grade: v})
			}
		}
	}
	return answers, values
}
