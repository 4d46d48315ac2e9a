package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// evaluationCodesIssue issues ballot codes for a rater group, then goes
// back to the evaluation, from where the sheet and the CSV are printed.
func (h *Handler) evaluationCodesIssue(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("count")))
	if err != nil {
		h.fail(w, r, fieldError("count", "survey.code_count_invalid", "the number of codes is not a whole number"))
		return
	}
	if _, err := h.survey.IssueCodes(r.Context(), a, id, survey.GroupCode(r.PostFormValue("group")), n); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/evaluations/"+strconv.FormatInt(id, 10)+"?flash=codes_issued", http.StatusSeeOther)
}
