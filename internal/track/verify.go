package track

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// The data items the delivery rates are published as: a team's (of its
// unit) and a cadre's, per year, in percent of the verified commitments,
// a commitment mostly delivered counting half.
const (
	ItemTeamDelivery  = "TRACK_DELIVERY_TEAM"
	ItemCadreDelivery = "TRACK_DELIVERY_CADRE"
)

// deliveryItems defines the items of the delivery rates, owned by the
// root region of the jurisdiction the commitment is in (whose office
// runs the assessment): every unit and cadre below lies in its scope.
func deliveryItems(owner int64) []*collect.Item {
	lo, hi := 0.0, 100.0
	return []*collect.Item{
		{Code: ItemTeamDelivery, Name: "领导班子亮诺践诺率", Measure: "%", OwnerID: owner, Frequency: collect.Annual, Type: collect.TypePercent,
			Min: &lo, Max: &hi, EntityKind: collect.EntityUnit,
			Description: "年底亮效经考核组核实的承诺中完成的比例：完成计1，基本完成计0.5，未完成计0（系统依据亮诺践诺记录计算）。"},
		{Code: ItemCadreDelivery, Name: "领导干部亮诺践诺率", Measure: "%", OwnerID: owner, Frequency: collect.Annual, Type: collect.TypePercent,
			Min: &lo, Max: &hi, EntityKind: collect.EntityPerson,
			Description: "干部本人年底亮效经考核组核实的承诺中完成的比例：完成计1，基本完成计0.5，未完成计0（系统依据亮诺践诺记录计算）。"},
	}
}

// Verify records the assessment team's verdict on a commitment whose
// year-end proof is filed — done, mostly or missed, with the reason — and
// publishes its owner's delivery rate for the year in the same
// transaction. The actor needs ActCommitmentVerify on the commitment's
// unit.
func (s *Service) Verify(ctx context.Context, a *auth.Actor, id int64, v Verdict, reason string) (*Commitment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var l errs.List
	if !v.Valid() {
		l.Add(errs.Field("verdict", "track.verdict_invalid", "choose 完成, 基本完成 or 未完成"))
	}
	if e := errs.CheckText("reason", "track.verdict_reason", "the reason", reason, maxReason, true); e != nil {
		l.Add(e)
	}
	if len(l) > 0 {
		return nil, l
	}
	var out *Commitment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActCommitmentVerify, c.unitPath); err != nil {
			return err
		}
		if c.Status != Approved || (c.Stage != StageProved && c.Stage != StageVerified) {
			return conflict("track.not_proved", "the commitment is verified once its year-end proof is filed")
		}
		before := map[string]any{"stage": c.Stage, "verdict": c.Verdict, "verdict_reason": c.VerdictReason}
		c.Stage, c.Verdict, c.VerdictReason, c.UpdatedAt = StageVerified, v, reason, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE commitments SET stage = $1, verdict = $2, verdict_reason = $3, updated_at = $4 WHERE id = $5`,
			c.Stage, v, reason, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("verify commitment: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "commitment.verify", ObjectType: "commitment", ObjectID: db.FormatID(id),
			UnitPath: c.unitPath, Before: before, After: map[string]any{"stage": c.Stage, "verdict": v}, Reason: reason}); err != nil {
			return err
		}
		out = c
		return s.publishRate(ctx, tx, a, c, "亮效核实："+c.Title)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// publishRate publishes the delivery rate of c's owner for c's year.
func (s *Service) publishRate(ctx context.Context, tx *db.Tx, a *auth.Actor, c *Commitment, reason string) error {
	rate, err := deliveryRate(ctx, tx, c.Owner, c.UnitID, c.PersonID, c.Year)
	if err != nil {
		return err
	}
	root, err := rootOf(c.unitPath)
	if err != nil {
		return err
	}
	p := collect.Publication{System: collect.SourceTrack, Items: deliveryItems(root), Reason: reason}
	pv := collect.Published{EntityID: c.UnitID, Item: ItemTeamDelivery, Period: strconv.Itoa(c.Year), Value: rate}
	if c.Owner == OwnerPerson {
		pv.EntityID, pv.Item = c.PersonID, ItemCadreDelivery
	}
	p.Values = []collect.Published{pv}
	_, err = s.collect.Publish(ctx, tx, a, p)
	return err
}

// deliveryRate is the owner's delivery rate for year: the credit of its
// verified commitments over their number, in percent to two decimals.
func deliveryRate(ctx context.Context, tx *db.Tx, owner OwnerKind, unitID, personID int64, year int) (float64, error) {
	q := `SELECT verdict FROM commitments WHERE owner_kind = 'unit' AND unit_id = $1 AND year = $2 AND stage = 'verified'`
	args := []any{unitID, year}
	if owner == OwnerPerson {
		q = `SELECT verdict FROM commitments WHERE owner_kind = 'person' AND person_id = $1 AND year = $2 AND stage = 'verified'`
		args = []any{personID, year}
	}
	var vs []Verdict
	err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
		var v Verdict
		if err := scan(&v); err != nil {
			return err
		}
		vs = append(vs, v)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delivery rate: %w", err)
	}
	return rateOf(vs), nil
}

// rateOf is the delivery rate of verdicts: their credit over their
// number, in percent to two decimals; 0 for none.
func rateOf(vs []Verdict) float64 {
	if len(vs) == 0 {
		return 0
	}
	var sum float64
	for _, v := range vs {
		sum += v.credit()
	}
	return math.Round(sum/float64(len(vs))*1e4) / 100
}

// rootOf returns the first unit of a path "/12/345/".
func rootOf(path string) (int64, error) {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	id, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("unit path %q: %w", path, err)
	}
	return id, nil
}
