package outcome

import (
	"context"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
	"kaohe/internal/org"
)

// china is the time zone of the days an as-of view is asked for.
var china = time.FixedZone("CST", 8*3600)

// Archive is the part of a cadre's lifelong archive (干部实绩档案) that
// the use of results keeps, as it was known at the end of a day when AsOf
// is set: the annual grades with where each was read, the findings that
// name her (exempted and voided ones with their status), her sanctions,
// the decided proposals (rewards among them) and the handovers she signed.
type Archive struct {
	PersonID int64
	// AsOf is the day the archive is shown as known ('YYYY-MM-DD'), ""
	// for now.
	AsOf   string
	Grades []GradeRecord
	// Cycles are the cycles with a published result of hers known by
	// then, of any kind, for the results and radars the archive page
	// draws from package cycle.
	Cycles []int64
	// Findings and Sanctions are nil for an actor who may not read them
	// (a leader: findings and sanctions stay with the office and the
	// cadre, decision 0110).
	Findings  []*finding.Finding
	Sanctions []*finding.Sanction
	// MayFindings and MaySanctions say whether the actor reads them.
	MayFindings, MaySanctions bool
	// Decisions are the decided proposals, newest first.
	Decisions []*Proposal
	Handovers []*Handover
}

// ArchiveOf returns the archive of cadre personID as known at the end of
// day asOf ('YYYY-MM-DD', "" for now): what was recorded, published or
// decided by then. The office and leaders in scope of any unit she served
// in and the cadre herself may read it (ActOutcomeRead); NotFound for
// anyone else.
func (s *Service) ArchiveOf(ctx context.Context, a *auth.Actor, personID int64, asOf string) (*Archive, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	until := time.Time{}
	if asOf != "" {
		d, err := time.ParseInLocation(org.DateLayout, asOf, china)
		if err != nil {
			return nil, errs.Field("asof", "outcome.archive.asof_invalid", "as-of day is not a date")
		}
		until = d.AddDate(0, 0, 1)
	}
	known := func(t time.Time) bool { return until.IsZero() || t.Before(until) }
	day := func(d string) bool { return asOf == "" || d <= asOf }
	out := &Archive{PersonID: personID, AsOf: asOf}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		paths, err := org.PersonPaths(ctx, tx, []int64{personID}, true)
		if err != nil {
			return err
		}
		if len(paths[personID]) == 0 || s.pol.AuthorizePerson(a, auth.ActOutcomeRead, personID, paths[personID]) != nil {
			return errs.NoSuch("person")
		}
		h, err := loadHistory(ctx, tx, personID)
		if err != nil {
			return err
		}
		for _, g := range h.Grades {
			if known(g.Known) {
				out.Grades = append(out.Grades, g)
			}
		}
		for _, pg := range h.published {
			if known(pg.PublishedAt) {
				out.Cycles = append(out.Cycles, pg.CycleID)
			}
		}
		out.MayFindings = s.pol.AuthorizePerson(a, auth.ActFindingRead, personID, paths[personID]) == nil
		for _, f := range h.Findings {
			// A cadre reads the findings that name her once notified.
			if out.MayFindings && known(f.CreatedAt) && (a.PersonID != personID || f.NotifiedOn != "" && day(f.NotifiedOn)) {
				out.Findings = append(out.Findings, f)
			}
		}
		out.MaySanctions = s.pol.AuthorizePerson(a, auth.ActSanctionRead, personID, paths[personID]) == nil
		for _, sn := range h.Sanctions {
			if out.MaySanctions && known(sn.CreatedAt) {
				out.Sanctions = append(out.Sanctions, sn)
			}
		}
		ps, err := queryProposals(ctx, tx, `person_id = $1 AND status <> $2`, []any{personID, Pending})
		if err != nil {
			return err
		}
		// The cadre herself reads the decisions adopted about her, not the
		// proposals turned down.
		self := s.pol.AuthorizePerson(a, auth.ActOutcomeRead, 0, paths[personID]) != nil
		for _, p := range ps {
			if known(p.DecidedAt) && (!self || p.Status == Adopted) {
				out.Decisions = append(out.Decisions, p)
			}
		}
		hs, err := queryHandovers(ctx, tx, `from_person_id = $1 OR to_person_id = $1`, []any{personID})
		if err != nil {
			return err
		}
		for _, ho := range hs {
			if known(ho.CreatedAt) {
				out.Handovers = append(out.Handovers, ho)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
