package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/track"
)

// commitmentForm is the filing form as filled in.
type commitmentForm struct {
	Owner, Year, Title, Dimension, Target, Item, Value, DueOn string
	Milestones                                                []track.Milestone
}

// commitmentFormView is the filing form with its choices; nil when the
// actor may file for nobody.
type commitmentFormView struct {
	F                  commitmentForm
	Owners, Dimensions []option
	Items              []option
	Years              []int
	// Rows are the milestone rows, filled or blank.
	Rows   []track.Milestone
	Action string
}

// formMilestones is how many milestone rows the form shows.
const formMilestones = 4

// commitmentFormView builds the filing form, filled in with f when given.
func (h *Handler) commitmentFormView(r *http.Request, p *page, a *auth.Actor, f *commitmentForm) (*commitmentFormView, error) {
	owners, err := h.track.Owners(r.Context(), a)
	if err != nil || len(owners) == 0 {
		return nil, err
	}
	v := &commitmentFormView{Years: commitmentYears(), Action: "/commitments"}
	if f != nil {
		v.F = *f
	} else {
		v.F = commitmentForm{Year: strconv.Itoa(v.Years[1]), Target: string(track.TargetValue)}
	}
	seen := map[string]bool{}
	for _, o := range owners {
		label := p.loc.T("track.owner_team", "unit", o.Unit)
		value := "unit:" + db.FormatID(o.UnitID)
		if o.Kind == track.OwnerPerson {
			label = p.loc.T("track.owner_self", "name", o.Person, "unit", o.Unit)
			value = "person:" + db.FormatID(o.PersonID) + ":" + db.FormatID(o.UnitID)
		}
		v.Owners = append(v.Owners, option{value, label})
		for _, it := range o.Items {
			if !seen[it.Code] {
				seen[it.Code] = true
				v.Items = append(v.Items, option{it.Code, it.Label() + " · " + frequencyLabel(p, it.Frequency)})
			}
		}
	}
	for _, d := range track.Dimensions {
		v.Dimensions = append(v.Dimensions, option{d, p.loc.T("track.dimension." + d)})
	}
	v.Rows = append(v.Rows, v.F.Milestones...)
	for len(v.Rows) < formMilestones {
		v.Rows = append(v.Rows, track.Milestone{})
	}
	return v, nil
}

// frequencyLabel names a frequency.
func frequencyLabel(p *page, f collect.Frequency) string {
	return p.loc.T("items.frequency." + string(f))
}

// readCommitmentForm reads the filing form (or a revision or change of a
// commitment, whose owner is fixed) into a draft.
func readCommitmentForm(r *http.Request) (commitmentForm, track.Draft, error) {
	if err := r.ParseForm(); err != nil {
		return commitmentForm{}, track.Draft{}, errBadForm()
	}
	f := commitmentForm{Owner: r.PostFormValue("owner"), Year: r.PostFormValue("year"), Title: r.PostFormValue("title"),
		Dimension: r.PostFormValue("dimension"), Target: r.PostFormValue("target"), Item: r.PostFormValue("item"),
		Value: r.PostFormValue("target_value"), DueOn: r.PostFormValue("due_on")}
	titles, dues := r.PostForm["milestone_title"], r.PostForm["milestone_due"]
	for i := range titles {
		m := track.Milestone{Title: titles[i]}
		if i < len(dues) {
			m.DueOn = dues[i]
		}
		f.Milestones = append(f.Milestones, m)
	}
	d := track.Draft{Title: f.Title, Dimension: f.Dimension, Target: track.TargetKind(f.Target), ItemCode: f.Item, TargetValue: f.Value,
		DueOn: f.DueOn, Milestones: f.Milestones}
	d.Year, _ = strconv.Atoi(f.Year)
	parts := strings.Split(f.Owner, ":")
	switch {
	case len(parts) == 2 && parts[0] == "unit":
		d.Owner = track.OwnerUnit
		d.UnitID, _ = strconv.ParseInt(parts[1], 10, 64)
	case len(parts) == 3 && parts[0] == "person":
		d.Owner = track.OwnerPerson
		d.PersonID, _ = strconv.ParseInt(parts[1], 10, 64)
		d.UnitID, _ = strconv.ParseInt(parts[2], 10, 64)
	}
	return f, d, nil
}

// commitmentSave files a commitment from the form; a refused form is shown
// again with every problem and writes nothing.
func (h *Handler) commitmentSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f, d, err := readCommitmentForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.track.File(r.Context(), a, d)
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderCommitments(w, r, a, http.StatusUnprocessableEntity, &f, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, commitmentPath(c.ID)+"?flash=commitment_filed", http.StatusSeeOther)
}
