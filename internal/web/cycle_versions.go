package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
)

// versionsData lists the snapshot versions of a published cycle after
// the first, each with the results it changed.
type versionsData struct {
	C    *cycle.Cycle
	Revs []revisionRow
}

type revisionRow struct {
	R    *cycle.Revision
	At   string
	Rows []changeRow
}

type changeRow struct {
	Name, OldTotal, NewTotal, Delta string
	OldRank, NewRank                int
	OldGrade, NewGrade              string
	Up                              bool
}

// cycleVersions shows the versions of cycle id: why each was made, who
// made it, and every total, rank and grade it changed.
func (h *Handler) cycleVersions(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, revs, err := h.cycle.Revisions(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "cycles")
	d := &versionsData{C: c}
	for _, v := range revs {
		row := revisionRow{R: v, At: p.loc.DateTime(v.CreatedAt)}
		for _, ch := range v.Changes {
			row.Rows = append(row.Rows, changeRow{Name: ch.Name, OldTotal: fixed(ch.OldTotal, 2), NewTotal: fixed(ch.NewTotal, 2),
				Delta: signed(ch.NewTotal - ch.OldTotal), OldRank: ch.OldRank, NewRank: ch.NewRank, OldGrade: ch.OldGrade, NewGrade: ch.NewGrade,
				Up: ch.NewTotal > ch.OldTotal})
		}
		d.Revs = append(d.Revs, row)
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "cycle_versions", p)
}

// signed formats a change of total with its sign.
func signed(x float64) string {
	if x > 0 {
		return "+" + fixed(x, 2)
	}
	return fixed(x, 2)
}
