package web

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// personTrackView is the cadre's commitments and their delivery (亮诺 ·
// 亮晒 · 亮效) and her work ledger with its 潜绩 on her page and in her
// printed archive (person_track.html), each shown when MayCommitments or
// MayLedger says the actor reads it.
type personTrackView struct {
	// Years are her commitments by year, the newest first. Each links its
	// page, which whoever reads it here may read (track.Service.Get).
	Years          []commitmentYear
	MayCommitments bool
	Entries        []ledgerRow
	MayLedger      bool
}

// commitmentYear is a year's commitments with the delivery rate of the
// verified ones ("" for none).
type commitmentYear struct {
	Year int
	Rate string
	Rows []commitmentRow
}

// personTrack reads the commitments and the ledger of cadre id as known
// at the end of day asOf ("" for now); nil for an actor who reads
// neither.
func (h *Handler) personTrack(ctx context.Context, p *page, a *auth.Actor, id int64, asOf string) (*personTrackView, error) {
	ar, err := h.track.ArchiveOf(ctx, a, id, asOf)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &personTrackView{MayCommitments: ar.MayCommitments, MayLedger: ar.MayLedger}
	rates := map[int]string{}
	for _, r := range ar.Rates {
		rates[r.Year] = fixedTrim(r.Percent)
	}
	for _, c := range ar.Commitments {
		if n := len(v.Years); n == 0 || v.Years[n-1].Year != c.Year {
			v.Years = append(v.Years, commitmentYear{Year: c.Year, Rate: rates[c.Year]})
		}
		y := &v.Years[len(v.Years)-1]
		y.Rows = append(y.Rows, commitmentRowOf(p, c))
	}
	for _, e := range ar.Entries {
		v.Entries = append(v.Entries, ledgerRowOf(p, e))
	}
	return v, nil
}
