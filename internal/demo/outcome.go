package demo

import (
	"context"
	"fmt"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/feedback"
	"kaohe/internal/finding"
	"kaohe/internal/org"
	"kaohe/internal/outcome"
	"kaohe/internal/sources"
)

// The outcome step uses the results, after the cycles: a cadre gets three
// years 优秀 — her 2025 grade from the published cadre cycle and 2023 and
// 2024 recorded from the paper archive, or all three recorded for a
// cadre the platform does not grade (demoExcellent) — and the city's office
// runs the default rules over the city — a pending 记三等功 proposal for
// her among the others (诫勉谈话 for 基本称职, 调整岗位 for 不称职). The
// post of the first unit with an open finding passes from its first team
// member to the second, listing the open findings; the predecessor has
// signed, the successor not yet. Two cadres are in the reserve pool
// (demoReserve) and the sanctioned cadre is adjusted (demoAdjust).
func buildOutcome(ctx context.Context, b *builder) error {
	city := b.j.cities[0]
	office := &auth.Actor{Login: "system:demo", Name: city.unit.Name + "委组织部考核办", Lang: auth.DefaultLang,
		Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: city.unit.ID, UnitPath: city.unit.Path}}}
	svc := outcome.NewService(b.d, auth.Policy{})
	best, years, err := demoExcellent(ctx, b, office)
	if err != nil {
		return err
	}
	for _, y := range years {
		if err := svc.RecordGrade(ctx, office, best, y, "优秀", fmt.Sprintf("青组考〔%d〕12号", y+1)); err != nil {
			return fmt.Errorf("record the %d grade: %w", y, err)
		}
	}
	ps, err := svc.Propose(ctx, office, city.unit.ID)
	if err != nil {
		return fmt.Errorf("propose: %w", err)
	}
	if err := demoReserve(ctx, b, office, svc, best, ps); err != nil {
		return err
	}
	if err := demoAdjust(ctx, b, office, svc); err != nil {
		return err
	}
	return demoHandover(ctx, b, office, svc)
}

// demoReserve puts two cadres in the reserve pool: the cadre with three
// years 优秀, from her adopted reserve proposal, and the demo's sign-in
// cadre (清河区区长), nominated; both admitted.
func demoReserve(ctx context.Context, b *builder, office *auth.Actor, svc *outcome.Service, best int64, ps []*outcome.Proposal) error {
	var from int64
	for _, p := range ps {
		if p.PersonID == best && p.Action == outcome.ActReserve {
			if _, err := svc.Decide(ctx, office, p.ID, true, "经部务会研究，同意推荐进入储备库"); err != nil {
				return err
			}
			from = p.ID
		}
	}
	for _, e := range []outcome.Entry{
		{PersonID: best, Level: "division_deputy", Field: "economy", Reason: "连续三年考核优秀，无问题线索", ProposalID: from},
		{PersonID: b.c.login.person.ID, Level: "division_chief", Field: "social", Reason: "群众公认度高，基层治理经验丰富"},
	} {
		en, err := svc.Nominate(ctx, office, e)
		if err != nil {
			return fmt.Errorf("nominate: %w", err)
		}
		if _, err := svc.Review(ctx, office, en.ID, true, "经市委组织部部务会研究同意入库"); err != nil {
			return err
		}
	}
	return nil
}

// demoAdjust adjusts the demo's sanctioned cadre, whose 警告 had effect in
// 2025 (the catalogue's situation sanctioned), to another post, with a
// follow-up visit.
func demoAdjust(ctx context.Context, b *builder, office *auth.Actor, svc *outcome.Service) error {
	sns, err := finding.NewService(b.d, auth.Policy{}).Sanctions(ctx, office, 0)
	if err != nil || len(sns) == 0 {
		return fmt.Errorf("no sanctioned cadre (%v)", err)
	}
	x, err := svc.Adjust(ctx, office, outcome.Adjustment{PersonID: sns[0].PersonID, Kind: outcome.AdjustTransfer,
		Situations: []string{"sanctioned"}, DecidedOn: "2026-01-20", Reason: "受警告处分仍在影响期，经市委常委会研究调整工作岗位"})
	if err != nil {
		return fmt.Errorf("adjust: %w", err)
	}
	return svc.RecordVisit(ctx, office, x.ID, "2026-02-25", "本人思想稳定，对调整认识到位，新岗位工作积极主动。")
}

// demoExcellent returns the first cadre of the city graded 优秀 in the
// published cadre cycle, else — a cycle whose bands no cadre reached —
// the first cadre the platform has not graded (a township's, graded on
// paper), and the years her recorded grades need: 2023 and 2024 for one
// graded 2025 on the platform, else 2023 to 2025.
func demoExcellent(ctx context.Context, b *builder, office *auth.Actor) (int64, []int, error) {
	cs := cycle.NewService(b.d, auth.Policy{}, sources.Cycle())
	list, err := cs.Cycles(ctx, office, cycle.Filter{Subject: cycle.SubjectPerson, Stage: cycle.Published})
	if err != nil || len(list) == 0 {
		return 0, nil, fmt.Errorf("no published cadre cycle (%v)", err)
	}
	r, err := cs.Ranking(ctx, office, list[0].ID, cycle.RankFilter{})
	if err != nil {
		return 0, nil, err
	}
	for _, g := range r.Groups {
		rk, err := cs.Ranking(ctx, office, list[0].ID, cycle.RankFilter{Group: g.Group, Grade: "优秀"})
		if err != nil {
			return 0, nil, err
		}
		if len(rk.Rows) > 0 {
			return rk.Rows[0].Entity.PersonID, []int{2023, 2024}, nil
		}
	}
	for _, c := range b.c.list {
		var gs []cycle.PersonGrade
		var paths map[int64][]string
		if err := b.d.View(ctx, func(tx *db.Tx) error {
			var err error
			if paths, err = org.PersonPaths(ctx, tx, []int64{c.person.ID}, false); err != nil {
				return err
			}
			gs, err = cycle.PersonGrades(ctx, tx, c.person.ID)
			return err
		}); err != nil {
			return 0, nil, err
		}
		if len(gs) == 0 && len(paths[c.person.ID]) > 0 && strings.HasPrefix(paths[c.person.ID][0], b.j.cities[0].unit.Path) {
			return c.person.ID, []int{2023, 2024, 2025}, nil
		}
	}
	return 0, nil, fmt.Errorf("no cadre to grade 优秀")
}

// demoHandover hands over the post of the first unit with an open finding
// and an open rectification task (or, failing one, the first with an open
// finding) and signs the predecessor's side.
func demoHandover(ctx context.Context, b *builder, office *auth.Actor, svc *outcome.Service) error {
	fs := finding.NewService(b.d, auth.Policy{})
	l, err := fs.List(ctx, office, finding.Filter{Under: b.j.cities[0].unit.ID, Limit: finding.MaxLimit})
	if err != nil {
		return err
	}
	type post struct {
		unit, from, to int64
		title          string
	}
	var withTasks, others []post
	seen := map[int64]bool{}
	for _, f := range l.Findings {
		if f.Status != finding.Active || seen[f.UnitID] {
			continue
		}
		seen[f.UnitID] = true
		var members []int64
		var title string
		var tasks []feedback.OpenTask
		err := b.d.View(ctx, func(tx *db.Tx) error {
			var err error
			if members, err = org.TeamMemberIDs(ctx, tx, f.UnitID); err != nil || len(members) < 2 {
				return err
			}
			if title, err = org.CurrentTitle(ctx, tx, members[0], f.UnitID); err != nil {
				return err
			}
			tasks, err = feedback.OpenTasksOfPost(ctx, tx, f.UnitID, members[0])
			return err
		})
		if err != nil {
			return err
		}
		if len(members) < 2 || title == "" {
			continue
		}
		p := post{unit: f.UnitID, from: members[0], to: members[1], title: title}
		if len(tasks) > 0 {
			withTasks = append(withTasks, p)
		} else {
			others = append(others, p)
		}
	}
	for _, p := range append(withTasks, others...) {
		h, err := svc.Hand(ctx, office, outcome.Handover{UnitID: p.unit, Title: p.title, FromPersonID: p.from,
			ToPersonID: p.to, HandedOn: "2026-01-15"})
		if err != nil {
			return fmt.Errorf("hand over: %w", err)
		}
		from := &auth.Actor{Login: "system:demo", Name: "离任干部", Lang: auth.DefaultLang, PersonID: p.from,
			Grants: []auth.Grant{{Role: auth.RoleCadre, UnitID: p.unit}}}
		_, err = svc.Sign(ctx, from, h.ID)
		return err
	}
	return fmt.Errorf("no unit with an open finding and two team members")
}
