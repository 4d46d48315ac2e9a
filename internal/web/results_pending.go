package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
)

// pendingData is the content of the page a ranking or heatmap shows while
// its cycle has no results the actor may see: the cycle's stage and the
// pages that do hold something.
type pendingData struct {
	C *cycle.Cycle
	// View names the page asked for: ranking or heatmap.
	View string
	// Message says why there is nothing: not scored, or scored and not
	// published yet (for those who see published results only).
	Message string
	// Status links the collection progress of the cycle's period, for
	// those who follow it.
	Status string
	// Published are the latest published cycles of the same subject.
	Published []pendingCycle
}

type pendingCycle struct {
	Name, Link string
}

// pendingPublished is how many published cycles the page offers instead.
const pendingPublished = 3

// resultsPending answers a ranking or heatmap (view) of cycle id that
// failed with err: when the cycle itself is readable, it is not scored yet
// (or its runs are not the actor's to see), and the page says so with
// links to what there is; otherwise err stands.
func (h *Handler) resultsPending(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, view string, err error) {
	if !errs.Is(err, errs.NotFound) {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	c, cerr := h.cycle.Cycle(ctx, a, id)
	if cerr != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "cycles")
	data := pendingData{C: c, View: view}
	stage := p.loc.T("cycle.stage." + string(c.Stage))
	if (c.Stage == cycle.Scoring || c.Stage == cycle.Review) && h.policy.Authorize(a, auth.ActCycleManage, c.OwnerPath) != nil {
		data.Message = p.loc.T("pending.not_published", "Stage", stage)
	} else {
		data.Message = p.loc.T("pending.not_scored", "Stage", stage)
	}
	if h.policy.Authorize(a, auth.ActCollectStatus, c.OwnerPath) == nil {
		data.Status = "/collect/status?unit=" + strconv.FormatInt(c.OwnerUnitID, 10) + "&period=" + c.Period
	}
	others, err := h.cycle.Cycles(ctx, a, cycle.Filter{Subject: c.Subject})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, o := range others {
		if o.PublishedSnapshotID != 0 && len(data.Published) < pendingPublished {
			data.Published = append(data.Published, pendingCycle{Name: o.Name, Link: "/cycles/" + strconv.FormatInt(o.ID, 10) + "/" + view})
		}
	}
	p.Title = c.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "results_pending", p)
}
