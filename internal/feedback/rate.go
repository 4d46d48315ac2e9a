package feedback

import (
	"context"
	"fmt"
	"math"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
)

// The data items of rectification on time that feedback publishes: a
// cadre's and a team's share of tasks completed on time among those due
// (deadline passed, or done) in a year, in percent.
const (
	ItemCadreOnTime = "feedback.rectify_on_time"
	ItemTeamOnTime  = "feedback.team_rectify_on_time"
)

// rateItems defines the items, owned by the office of ownerID.
func rateItems(ownerID int64) []*collect.Item {
	lo, hi := 0.0, 100.0
	return []*collect.Item{
		{Code: ItemCadreOnTime, Name: "整改任务按期完成率（干部）", Measure: "%", OwnerID: ownerID, Frequency: collect.Annual,
			Type: collect.TypePercent, Min: &lo, Max: &hi, EntityKind: collect.EntityPerson,
			Description: "本年度到期（或已完成）的整改任务中按期整改到位的比例，由反馈整改系统计算。"},
		{Code: ItemTeamOnTime, Name: "整改任务按期完成率（领导班子）", Measure: "%", OwnerID: ownerID, Frequency: collect.Annual,
			Type: collect.TypePercent, Min: &lo, Max: &hi, EntityKind: collect.EntityUnit,
			Description: "本年度到期（或已完成）的整改任务中按期整改到位的比例，由反馈整改系统计算。"},
	}
}

// Rate is the rectification record of an entity in a year.
type Rate struct {
	// Due counts the tasks due (deadline passed, or done); OnTime those
	// done by their deadline.
	Due, OnTime int
}

// rate counts the tasks of r's entity (every report of the cadre, or of
// the team) with a deadline in year, on day today.
func rate(ctx context.Context, tx *db.Tx, r *Report, year, today string) (Rate, error) {
	var out Rate
	q := `SELECT t.deadline, t.status, t.submitted_on FROM rectification_tasks t JOIN feedback_reports r ON r.id = t.report_id
		WHERE t.deadline >= $1 AND t.deadline <= $2 AND `
	args := []any{year + "-01-01", year + "-12-31"}
	if r.Team() {
		q += `r.person_id = 0 AND r.unit_id = $3`
		args = append(args, r.UnitID)
	} else {
		q += `r.person_id = $3`
		args = append(args, r.PersonID)
	}
	err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
		var t Task
		if err := scan(&t.Deadline, &t.Status, &t.SubmittedOn); err != nil {
			return err
		}
		if t.Status == TaskDone || t.Deadline < today {
			out.Due++
		}
		if t.OnTime() {
			out.OnTime++
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("count tasks: %w", err)
	}
	return out, nil
}

// publishRate publishes the rate of rectification on time of r's entity
// for year through collect, in the caller's transaction; nothing while no
// task of the year is due.
func (s *Service) publishRate(ctx context.Context, tx *db.Tx, a *auth.Actor, r *Report, year string) error {
	rt, err := rate(ctx, tx, r, year, day(tx.Now))
	if err != nil || rt.Due == 0 {
		return err
	}
	c, err := cycle.Get(ctx, tx, r.CycleID)
	if err != nil {
		return err
	}
	item, entity := ItemCadreOnTime, r.PersonID
	if r.Team() {
		item, entity = ItemTeamOnTime, r.UnitID
	}
	v := math.Round(float64(rt.OnTime)/float64(rt.Due)*1000) / 10
	_, err = s.collect.Publish(ctx, tx, a, collect.Publication{System: collect.SourceFeedback, Items: rateItems(c.OwnerUnitID),
		Reason: fmt.Sprintf("整改任务按期完成 %d / 到期 %d", rt.OnTime, rt.Due),
		Values: []collect.Published{{EntityID: entity, Item: item, Period: year, Value: v}}})
	return err
}
