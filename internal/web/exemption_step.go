package web

import (
	"errors"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/finding"
)

// exemptionStep takes the step named in the path of an exemption's
// review — verified, deliberated, decided (a multipart form with the
// checklist's answers and their evidence), fed_back. The service refuses
// a step out of order or by the wrong role; a refused form is shown again
// with its localized problems and writes nothing.
func (h *Handler) exemptionStep(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	eid, err := strconv.ParseInt(r.PathValue("exemption"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	step := finding.Step(r.PathValue("step"))
	if step == finding.StepDecided {
		r.Body = http.MaxBytesReader(w, r.Body, int64(len(finding.Criteria)*finding.MaxCheckFiles)*(collect.MaxEvidence+1<<16)+1<<20)
		if err = r.ParseMultipartForm(8 << 20); errors.Is(err, http.ErrNotMultipart) {
			err = r.ParseForm() // a decision without evidence
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	f := r.PostFormValue
	ctx := r.Context()
	switch step {
	case finding.StepVerified:
		_, err = h.finding.VerifyExemption(ctx, a, eid, f("note"))
	case finding.StepDeliberated:
		_, err = h.finding.DeliberateExemption(ctx, a, eid, finding.Deliberation{MeetingOn: f("day"), Body: f("body"), Conclusion: f("note")})
	case finding.StepDecided:
		d := finding.Decision{Outcome: finding.Outcome(f("outcome")), Rationale: f("note")}
		for _, c := range finding.Criteria {
			ch := finding.Check{Criterion: c, Answer: f("answer_" + string(c)), Note: f("note_" + string(c))}
			if ch.Files, err = uploads(r, "files_"+string(c)); err != nil {
				h.fail(w, r, errBadForm())
				return
			}
			d.Checks = append(d.Checks, ch)
		}
		_, err = h.finding.DecideExemption(ctx, a, eid, d)
	case finding.StepFedBack:
		_, err = h.finding.FeedBackExemption(ctx, a, eid, finding.Feedback{Day: f("day"), To: f("body"), Note: f("note")})
	default:
		h.fail(w, r, notFound())
		return
	}
	if err != nil {
		h.refuseReview(w, r, a, err)
		return
	}
	http.Redirect(w, r, reviewPath(id), http.StatusSeeOther)
}
