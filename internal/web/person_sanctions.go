package web

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// personSanctions returns the sanctions of person id with their
// follow-ups for a's view of her page; nil when a may not read them.
func (h *Handler) personSanctions(ctx context.Context, p *page, a *auth.Actor, id int64) (*[]sanctionView, error) {
	sns, err := h.finding.Sanctions(ctx, a, id)
	if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := sanctionViews(p, sns, todayText())
	if v == nil {
		v = []sanctionView{}
	}
	return &v, nil
}

// SanctionList is the sanctions the cadre page shows, nil for none and
// for who may not read them: a template cannot tell an empty list
// behind Sanctions, a pointer, from a full one.
func (d personShowData) SanctionList() []sanctionView {
	if d.Sanctions == nil {
		return nil
	}
	return *d.Sanctions
}
