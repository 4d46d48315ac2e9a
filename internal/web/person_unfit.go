package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/outcome"
)

// personCareerView is the unfit-for-post check, the adjustments and the
// training of the cadre page.
type personCareerView struct {
	PersonID int64
	// Checked is true for who reads the check (the office, leaders);
	// Matches the situations that hold, with their basis.
	Checked bool
	Matches []matchRow
	// MayDecide shows the forms to the office.
	MayDecide   bool
	Kinds       []option
	Adjustments []adjustmentRow
	Trainings   []trainingRow
	TrainKinds  []option
	Suggestions []suggestionRow
	Today       string
}

type matchRow struct {
	Code, Name, Basis string
	Year              int
}

type adjustmentRow struct {
	ID                                    int64
	Kind, Situations, Reason, Day, By     string
	Reappointed, ReappointPost, Reappoint string
	Visits                                []outcome.Visit
}

type trainingRow struct {
	Kind, Title, Topic, Organiser, Days string
	Completed                           bool
}

type suggestionRow struct {
	Dimension, Score, Gap string
	Done                  bool
}

// personCareer fills the check, adjustments and training of cadre id
// whose current units are at paths; dims are her latest result's
// dimensions for the suggestions. Nil for who may not read them.
func (h *Handler) personCareer(ctx context.Context, p *page, a *auth.Actor, id int64, paths []string, dims []cycle.Dimension) (*personCareerView, error) {
	xs, err := h.outcome.Adjustments(ctx, a, id)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &personCareerView{PersonID: id, Today: todayText()}
	ms, err := h.outcome.Check(ctx, a, id)
	switch {
	case err == nil:
		v.Checked = true
	case !errs.Is(err, errs.NotFound):
		return nil, err
	}
	for _, m := range ms {
		v.Matches = append(v.Matches, matchRow{Code: m.Situation.Code, Name: m.Situation.Name, Year: m.Year,
			Basis: p.loc.T("outcome.unfit.basis." + m.Situation.Basis)})
	}
	name := map[string]string{}
	for _, si := range outcome.Catalogue {
		name[si.Code] = si.Name
	}
	for _, x := range xs {
		row := adjustmentRow{ID: x.ID, Kind: p.loc.T("outcome.adjust.kind." + string(x.Kind)), Reason: x.Reason,
			Day: p.loc.Date(day(x.DecidedOn)), By: x.DecidedBy, ReappointPost: x.ReappointedPost, Reappoint: x.ReappointReason,
			Visits: x.Visits}
		var ss []string
		for _, c := range x.Situations {
			ss = append(ss, name[c])
		}
		row.Situations = strings.Join(ss, p.loc.T("list.separator"))
		if x.ReappointedOn != "" {
			row.Reappointed = p.loc.Date(day(x.ReappointedOn))
		}
		v.Adjustments = append(v.Adjustments, row)
	}
	ts, err := h.outcome.Trainings(ctx, a, id)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		days := p.loc.Date(day(t.StartedOn))
		if t.EndedOn != "" {
			days += " – " + p.loc.Date(day(t.EndedOn))
		}
		v.Trainings = append(v.Trainings, trainingRow{Kind: p.loc.T("outcome.training.kind." + string(t.Kind)), Title: t.Title,
			Topic: t.Topic, Organiser: t.Organiser, Days: days, Completed: t.Completed})
	}
	var ds []outcome.DimensionScore
	for _, d := range dims {
		ds = append(ds, outcome.DimensionScore{Name: d.Name, Score: float64(d.Score), Mean: float64(d.Mean)})
	}
	for _, sg := range outcome.Suggest(ds, ts, 3) {
		v.Suggestions = append(v.Suggestions, suggestionRow{Dimension: sg.Dimension, Score: strconv.FormatFloat(sg.Score, 'f', 1, 64),
			Gap: strconv.FormatFloat(sg.Gap, 'f', 1, 64), Done: sg.Done})
	}
	v.MayDecide = h.policy.AuthorizePerson(a, auth.ActOutcomeDecide, 0, paths) == nil
	for _, k := range outcome.AdjustmentKinds {
		v.Kinds = append(v.Kinds, option{Value: string(k), Label: p.loc.T("outcome.adjust.kind." + string(k))})
	}
	for _, k := range outcome.TrainingKinds {
		v.TrainKinds = append(v.TrainKinds, option{Value: string(k), Label: p.loc.T("outcome.training.kind." + string(k))})
	}
	return v, nil
}

// refuseOnPage answers a refused form of the cadre page: its problems,
// each naming the field, on the error page with the form's status.
func (h *Handler) refuseOnPage(w http.ResponseWriter, r *http.Request, err error) {
	if !formProblem(err) {
		h.fail(w, r, err)
		return
	}
	h.renderError(w, r, errs.HTTPStatus(err), strings.Join(rowErrors(h.localizer(r), err), " "))
}

// adjustmentSave records the adjustment of cadre {id}.
func (h *Handler) adjustmentSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	if _, err := h.outcome.Adjust(r.Context(), a, outcome.Adjustment{PersonID: id, Kind: outcome.AdjustmentKind(r.PostFormValue("kind")),
		Situations: r.PostForm["situation"], Reason: r.PostFormValue("reason"), DecidedOn: r.PostFormValue("decided_on")}); err != nil {
		h.refuseOnPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"?flash=adjusted#career", http.StatusSeeOther)
}

// adjustmentStep records a visit or the re-appointment of adjustment
// {id}, then shows the cadre's page.
func (h *Handler) adjustmentStep(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	switch r.PathValue("step") {
	case "visits":
		err = h.outcome.RecordVisit(r.Context(), a, id, r.PostFormValue("visited_on"), r.PostFormValue("notes"))
	case "reappoint":
		err = h.outcome.Reappoint(r.Context(), a, id, r.PostFormValue("reappointed_on"), r.PostFormValue("post"), r.PostFormValue("reason"))
	default:
		err = notFound()
	}
	if err != nil {
		h.refuseOnPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+r.PostFormValue("person")+"?flash=adjustment_"+r.PathValue("step")+"#career", http.StatusSeeOther)
}

// trainingSave records a training of cadre {id}.
func (h *Handler) trainingSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	if _, err := h.outcome.RecordTraining(r.Context(), a, outcome.Training{PersonID: id, Kind: outcome.TrainingKind(r.PostFormValue("kind")),
		Title: r.PostFormValue("title"), Topic: r.PostFormValue("topic"), Organiser: r.PostFormValue("organiser"),
		StartedOn: r.PostFormValue("started_on"), EndedOn: r.PostFormValue("ended_on"),
		Completed: r.PostFormValue("completed") == "on"}); err != nil {
		h.refuseOnPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"?flash=training_recorded#training", http.StatusSeeOther)
}
