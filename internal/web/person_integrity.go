package web

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// integrityView is a cadre's integrity archive (廉政档案) on her page: the
// findings that name her with their state, exemptions and
// clarifications. Nil for who may not read it — anyone but the cadre
// herself and the office.
type integrityView struct {
	Entries []integrityRow
}

type integrityRow struct {
	FindingID  int64
	Day        string
	Title      string
	Body       string
	State      string
	StateCode  string
	Exemptions []exemptionView
	// Clarification is the conclusion that cleared the finding, with the
	// day and audience of its publication.
	Clarification *clarificationView
}

// personIntegrity builds the integrity archive of person id for a; nil
// when a may not read it.
func (h *Handler) personIntegrity(ctx context.Context, p *page, a *auth.Actor, id int64) (*integrityView, error) {
	ar, err := h.finding.Integrity(ctx, a, id)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	loc := p.loc
	v := &integrityView{}
	for _, en := range ar.Entries {
		row := integrityRow{FindingID: en.Finding.ID, Day: loc.Date(day(en.Finding.FoundOn)), Title: en.Finding.Title, Body: en.Finding.Body,
			State: loc.T("finding.integrity.state." + string(en.State)), StateCode: string(en.State)}
		for _, e := range en.Exemptions {
			row.Exemptions = append(row.Exemptions, exemptionOf(p, e))
		}
		if c := en.Clarification; c != nil {
			row.Clarification = &clarificationView{Kind: loc.T("finding.clarification.kind." + string(c.Kind)), Conclusion: c.Conclusion,
				PublishedOn: loc.Date(day(c.PublishedOn)), Audience: loc.T("finding.clarification.audience." + string(c.Audience))}
		}
		v.Entries = append(v.Entries, row)
	}
	return v, nil
}
