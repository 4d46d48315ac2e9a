package demo

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/finding"
)

// The sanctions step records, after the findings and before the cycles
// so that the 2025 cadre cycle reads it, the 警告 the 纪委监委 gave the
// cadre named by its finding 违规发放津补贴 (the first county's 常务副区长):
// decided on 2025-06-10, in effect to 2025-12-09. Recording
// it scheduled a 谈心谈话 (done, with notes) and a 跟踪回访 on the last day
// of the effect period, which nobody recorded: it is overdue on the
// office's home page. Her 2025 grade cannot be 优秀 (the cadre scheme's
// block on sanction_warning), and her explanation lists the flag.

// demoSanctionFinding is the title of the finding the demo's sanction
// follows from.
const demoSanctionFinding = "违规发放津补贴"

func buildSanctions(ctx context.Context, b *builder) error {
	city := b.j.cities[0]
	office := &auth.Actor{Login: "system:demo", Name: city.unit.Name + "委组织部考核办", Lang: auth.DefaultLang,
		Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: city.unit.ID, UnitPath: city.unit.Path}}}
	svc := finding.NewService(b.d, auth.Policy{})
	l, err := svc.List(ctx, office, finding.Filter{Under: city.unit.ID, Limit: finding.MaxLimit})
	if err != nil {
		return err
	}
	var f *finding.Finding
	for _, x := range l.Findings {
		if x.Title == demoSanctionFinding && len(x.People) > 0 {
			f = x
		}
	}
	if f == nil {
		return fmt.Errorf("no finding %s naming a cadre", demoSanctionFinding)
	}
	sn, err := svc.RecordSanction(ctx, office, finding.Sanction{PersonID: f.People[0].ID, Kind: finding.KindWarning,
		DecidedOn: "2025-06-10", FindingID: f.ID, Reference: "青纪发〔2025〕18号", Body: city.unit.Name + "纪委监委"})
	if err != nil {
		return fmt.Errorf("record the sanction: %w", err)
	}
	for _, fu := range sn.FollowUps {
		if fu.Kind != finding.FollowUpTalk {
			continue
		}
		if _, err := svc.RecordFollowUp(ctx, office, fu.ID, "2025-07-08",
			"组织部门与本人谈心谈话，本人对违规发放津补贴问题认识深刻，已督促全额清退并在民主生活会上作检视剖析。"); err != nil {
			return fmt.Errorf("record the talk: %w", err)
		}
	}
	return nil
}
