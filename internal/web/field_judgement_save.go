package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/fieldwork"
)

// maxJudgementRows bounds the rows a judgement form is read for.
const maxJudgementRows = 500

// fieldJudgementSave records the judgements of the form's rows (j.N.*,
// one per qualitative indicator); a refused form is shown again with every
// bad row and writes nothing.
func (h *Handler) fieldJudgementSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var rows []fieldwork.JudgementRow
	form := map[string]fieldwork.JudgementRow{}
	for n := 1; n <= maxJudgementRows; n++ {
		p := "j." + strconv.Itoa(n) + "."
		ind := r.PostFormValue(p + "indicator")
		if ind == "" {
			break
		}
		row := fieldwork.JudgementRow{Row: n, Indicator: ind, Grade: r.PostFormValue(p + "grade"), Score: r.PostFormValue(p + "score"),
			Basis: r.PostFormValue(p + "basis")}
		rows = append(rows, row)
		form[ind] = row
	}
	key := r.PathValue("entity")
	if _, err := h.field.Judge(r.Context(), a, id, key, rows); err != nil {
		h.refuseField(w, r, a, err, &fieldForms{J: form, ErrorsOf: "judgement"})
		return
	}
	http.Redirect(w, r, fieldPath(id, key)+"?flash=judgements_saved#judgements", http.StatusSeeOther)
}
