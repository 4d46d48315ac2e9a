package outcome

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Situation is one entry of the catalogue of situations unfit for the
// current post (不适宜担任现职情形目录): a condition over the same history the
// rules read, and the data it rests on.
type Situation struct {
	Code, Name string
	// Basis is the data the situation rests on: grades, evaluation,
	// findings or sanctions.
	Basis     string
	Condition string
}

// Catalogue is the catalogue of checkable situations (推进领导干部能上能下规定
// 第十三条, read as what the platform records).
var Catalogue = []Situation{
	{Code: "grade_incompetent", Name: "年度考核被确定为不称职", Basis: "grades", Condition: `Grade == "不称职"`},
	{Code: "grade_basic_twice", Name: "连续两年年度考核被确定为基本称职", Basis: "grades", Condition: `Streak("基本称职") >= 2`},
	{Code: "no_confidence", Name: "民主测评不称职票超过三分之一", Basis: "evaluation", Condition: `NoConfidence > 1.0 / 3`},
	{Code: "severe_finding", Name: "当年被巡视巡察、审计、督查等发现严重问题", Basis: "findings", Condition: `SevereFindings >= 1`},
	{Code: "many_findings", Name: "当年被发现三个以上问题且未免责、未澄清", Basis: "findings", Condition: `Findings >= 3`},
	{Code: "sanctioned", Name: "受到诫勉、组织处理或者处分且仍在影响期", Basis: "sanctions", Condition: `Sanctioned`},
}

// Match is a situation that holds for a cadre, with what it read.
type Match struct {
	Situation Situation
	Year      int
	Evidence  Evidence
}

// Check returns the situations of the catalogue that hold for cadre
// personID now, with the evidence. The office and leaders of her units
// may (ActOutcomeRead, not her Self reach).
func (s *Service) Check(ctx context.Context, a *auth.Actor, personID int64) ([]Match, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []Match
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if err := s.mayReadCadre(ctx, tx, a, personID); err != nil {
			return err
		}
		var err error
		out, err = check(ctx, tx, personID)
		return err
	})
	return out, err
}

// mayReadCadre checks ActOutcomeRead on person id's current units, for
// the office and leaders only.
func (s *Service) mayReadCadre(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) error {
	paths, err := org.PersonPaths(ctx, tx, []int64{id}, false)
	if err != nil {
		return err
	}
	if len(paths[id]) == 0 || s.pol.AuthorizePerson(a, auth.ActOutcomeRead, 0, paths[id]) != nil {
		return errs.NoSuch("person")
	}
	return nil
}

// check evaluates the catalogue over person id's history.
func check(ctx context.Context, tx *db.Tx, id int64) ([]Match, error) {
	h, err := loadHistory(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	env := h.Env()
	var out []Match
	for _, si := range Catalogue {
		prog, err := expr.Compile(si.Condition, expr.Env(Env{}), expr.AsBool())
		if err != nil {
			return nil, fmt.Errorf("situation %s: %w", si.Code, err)
		}
		v, err := expr.Run(prog, env)
		if err != nil {
			return nil, fmt.Errorf("situation %s: %w", si.Code, err)
		}
		if v.(bool) {
			out = append(out, Match{Situation: si, Year: env.Year, Evidence: h.evidence()})
		}
	}
	return out, nil
}

// AdjustmentKind is how an unfit cadre is adjusted.
type AdjustmentKind string

// The kinds.
const (
	AdjustTransfer AdjustmentKind = "transfer" // 调整岗位
	AdjustDemote   AdjustmentKind = "demote"   // 降职
	AdjustRemove   AdjustmentKind = "remove"   // 免职
)

// AdjustmentKinds lists the kinds in the order the interface shows them.
var AdjustmentKinds = []AdjustmentKind{AdjustTransfer, AdjustDemote, AdjustRemove}

// Adjustment is a decision on a cadre unfit for her post, with its
// follow-up visits and a later re-appointment.
type Adjustment struct {
	ID                int64
	PersonID          int64
	UnitPath          string
	Kind              AdjustmentKind
	Situations        []string
	Reason, DecidedOn string
	DecidedBy         string
	// ReappointedOn, ReappointedPost and ReappointReason record her
	// re-appointment (下后能上); "" until then.
	ReappointedOn, ReappointedPost, ReappointReason string
	Visits                                          []Visit
	CreatedAt                                       time.Time
}

// Visit is a follow-up visit (跟踪回访) of an adjusted cadre.
type Visit struct {
	ID                     int64
	VisitedOn, Notes, User string
}

// Adjust records the adjustment of cadre x.PersonID for the situations
// x.Situations, each of which must hold for her now (Check), with the
// reason and day. The office of her units may (ActOutcomeDecide).
func (s *Service) Adjust(ctx context.Context, a *auth.Actor, x Adjustment) (*Adjustment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	x.Reason, x.DecidedOn = strings.TrimSpace(x.Reason), strings.TrimSpace(x.DecidedOn)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := s.mayDecide(ctx, tx, a, x.PersonID)
		if err != nil {
			return err
		}
		ms, err := check(ctx, tx, x.PersonID)
		if err != nil {
			return err
		}
		var l errs.List
		if !slices.Contains(AdjustmentKinds, x.Kind) {
			l.Add(errs.Field("kind", "outcome.adjust.kind_invalid", "no such kind"))
		}
		if len(x.Situations) == 0 {
			l.Add(errs.Field("situations", "outcome.adjust.situations_required", "no situation"))
		}
		for _, c := range x.Situations {
			if !slices.ContainsFunc(ms, func(m Match) bool { return m.Situation.Code == c }) {
				l.Add(errs.Field("situations", "outcome.adjust.situation_unmatched", "situation "+c+" does not hold"))
				break
			}
		}
		if _, err := time.Parse(org.DateLayout, x.DecidedOn); err != nil {
			l.Add(errs.Field("decided_on", "outcome.adjust.day_invalid", "not a date"))
		}
		if e := errs.CheckText("reason", "outcome.reason", "reason", x.Reason, 500, true); e != nil {
			l.Add(e)
		}
		if err := l.Err(); err != nil {
			return err
		}
		x.ID, x.UnitPath, x.DecidedBy, x.CreatedAt = db.NewID(), path, nameOf(a), tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO adjustments (id, person_id, unit_path, kind, situations, reason, decided_on,
			decided_by, reappointed_on, reappointed_post, reappoint_reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '', '', $9)`,
			x.ID, x.PersonID, path, x.Kind, strings.Join(x.Situations, ","), x.Reason, x.DecidedOn, x.DecidedBy,
			tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert adjustment: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.adjust", ObjectType: "adjustment", ObjectID: db.FormatID(x.ID),
			UnitPath: path, After: map[string]any{"person": db.FormatID(x.PersonID), "kind": x.Kind, "situations": x.Situations,
				"decided_on": x.DecidedOn}, Reason: x.Reason})
	})
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// RecordVisit records a follow-up visit of adjustment id on day with the
// notes (ActOutcomeDecide).
func (s *Service) RecordVisit(ctx context.Context, a *auth.Actor, id int64, day, notes string) error {
	return s.onAdjustment(ctx, a, id, func(tx *db.Tx, x *Adjustment) error {
		var l errs.List
		if _, err := time.Parse(org.DateLayout, day); err != nil {
			l.Add(errs.Field("visited_on", "outcome.adjust.day_invalid", "not a date"))
		}
		if e := errs.CheckText("notes", "outcome.adjust.notes", "notes", strings.TrimSpace(notes), 1000, true); e != nil {
			l.Add(e)
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO adjustment_visits (id, adjustment_id, visited_on, notes, user_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, db.NewID(), id, day, strings.TrimSpace(notes), nameOf(a), tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert visit: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.adjust_visit", ObjectType: "adjustment", ObjectID: db.FormatID(id),
			UnitPath: x.UnitPath, After: map[string]any{"visited_on": day}, Reason: notes})
	})
}

// Reappoint records that adjusted cadre's re-appointment to post on day
// with the reason (下后能上); once (ActOutcomeDecide).
func (s *Service) Reappoint(ctx context.Context, a *auth.Actor, id int64, day, post, reason string) error {
	post, reason = strings.TrimSpace(post), strings.TrimSpace(reason)
	return s.onAdjustment(ctx, a, id, func(tx *db.Tx, x *Adjustment) error {
		if x.ReappointedOn != "" {
			return errs.New(errs.Conflict, "outcome.adjust.reappointed", "already re-appointed")
		}
		var l errs.List
		if _, err := time.Parse(org.DateLayout, day); err != nil || day < x.DecidedOn {
			l.Add(errs.Field("reappointed_on", "outcome.adjust.day_invalid", "not a date after the adjustment"))
		}
		if e := errs.CheckText("post", "outcome.adjust.post", "post", post, 100, true); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("reason", "outcome.reason", "reason", reason, 500, true); e != nil {
			l.Add(e)
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE adjustments SET reappointed_on = $2, reappointed_post = $3, reappoint_reason = $4
			WHERE id = $1`, id, day, post, reason); err != nil {
			return fmt.Errorf("reappoint: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.reappoint", ObjectType: "adjustment", ObjectID: db.FormatID(id),
			UnitPath: x.UnitPath, After: map[string]any{"reappointed_on": day, "post": post}, Reason: reason})
	})
}

// onAdjustment runs fn on adjustment id in a transaction, for an actor who
// may decide about its cadre.
func (s *Service) onAdjustment(ctx context.Context, a *auth.Actor, id int64, fn func(tx *db.Tx, x *Adjustment) error) error {
	if err := signedIn(a); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		xs, err := queryAdjustments(ctx, tx, `id = $1`, []any{id})
		if err != nil {
			return err
		}
		if len(xs) == 0 || s.pol.AuthorizePerson(a, auth.ActOutcomeRead, 0, []string{xs[0].UnitPath}) != nil {
			return errs.NoSuch("adjustment")
		}
		if _, err := s.mayDecide(ctx, tx, a, xs[0].PersonID); err != nil {
			return err
		}
		return fn(tx, xs[0])
	})
}

// Adjustments returns the adjustments of cadre personID with their visits
// (ActOutcomeRead, the cadre herself included).
func (s *Service) Adjustments(ctx context.Context, a *auth.Actor, personID int64) ([]*Adjustment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Adjustment
	err := s.db.View(ctx, func(tx *db.Tx) error {
		paths, err := org.PersonPaths(ctx, tx, []int64{personID}, true)
		if err != nil {
			return err
		}
		if len(paths[personID]) == 0 || s.pol.AuthorizePerson(a, auth.ActOutcomeRead, personID, paths[personID]) != nil {
			return errs.NoSuch("person")
		}
		out, err = queryAdjustments(ctx, tx, `person_id = $1`, []any{personID})
		return err
	})
	return out, err
}

// queryAdjustments reads the adjustments where cond holds, newest first,
// with their visits.
func queryAdjustments(ctx context.Context, tx *db.Tx, cond string, args []any) ([]*Adjustment, error) {
	var out []*Adjustment
	err := db.EachRow(ctx, tx, `SELECT id, person_id, unit_path, kind, situations, reason, decided_on, decided_by, reappointed_on,
		reappointed_post, reappoint_reason, created_at FROM adjustments WHERE `+cond+` ORDER BY decided_on DESC, id DESC`, args,
		func(scan func(...any) error) error {
			x := &Adjustment{}
			var situations string
			var at int64
			if err := scan(&x.ID, &x.PersonID, &x.UnitPath, &x.Kind, &situations, &x.Reason, &x.DecidedOn, &x.DecidedBy, &x.ReappointedOn,
				&x.ReappointedPost, &x.ReappointReason, &at); err != nil {
				return err
			}
			x.Situations, x.CreatedAt = strings.Split(situations, ","), db.Micros(at)
			out = append(out, x)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read adjustments: %w", err)
	}
	for _, x := range out {
		err := db.EachRow(ctx, tx, `SELECT id, visited_on, notes, user_name FROM adjustment_visits WHERE adjustment_id = $1
			ORDER BY visited_on, id`, []any{x.ID}, func(scan func(...any) error) error {
			var v Visit
			if err := scan(&v.ID, &v.VisitedOn, &v.Notes, &v.User); err != nil {
				return err
			}
			x.Visits = append(x.Visits, v)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read visits: %w", err)
		}
	}
	return out, nil
}
