package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// State is the state of a 差评 work order.
type State string

// The states, in the order an order takes them.
const (
	Received   State = "received"   // 待签收
	Verifying  State = "verifying"  // 核实
	Rectifying State = "rectifying" // 整改
	Replied    State = "replied"    // 反馈
	Visited    State = "visited"    // 回访
	Closed     State = "closed"     // 办结
)

// States lists the states in order.
var States = []State{Received, Verifying, Rectifying, Replied, Visited, Closed}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Satisfaction is the reviewer's answer at the follow-up visit (回访).
type Satisfaction string

// The answers.
const (
	VisitSatisfied   Satisfaction = "satisfied"   // 满意
	VisitBasic       Satisfaction = "basic"       // 基本满意
	VisitUnsatisfied Satisfaction = "unsatisfied" // 不满意
)

// Satisfactions lists the answers.
var Satisfactions = []Satisfaction{VisitSatisfied, VisitBasic, VisitUnsatisfied}

// The deadlines of a work order in working days from the day it opened
// (docs/decisions/0130-service-reviews.md): verify by the first, rectify
// and reply by the fifteenth.
const (
	VerifyDays  = 1
	RectifyDays = 15
)

// Order is a 差评 work order.
type Order struct {
	ID       int64
	Number   string
	ReviewID int64
	UnitID   int64
	ItemID   int64
	Period   string
	State    State
	// Owner is who answers for it, named when it is signed for.
	Owner                           string
	OpenedOn, VerifyDue, RectifyDue string
	// EscalatedOn is the day it went overdue to the unit's superior, "".
	EscalatedOn  string
	ClosedOn     string
	ClosedInSLA  bool
	Satisfaction Satisfaction
	// Loaded: the unit, item, case and the review's level, comment and
	// whether it is 实名, and whether the review counts.
	Unit, Item, CaseNumber string
	Level                  Level
	Comment                string
	Named                  bool
	ReviewStatus           Status
	Steps                  []OrderStep
	unitPath               string
}

// OrderStep is a step an order took.
type OrderStep struct {
	State State
	Note  string
	Actor string
	At    time.Time
}

// Overdue reports whether the order is past its deadline on day today
// ('YYYY-MM-DD'): not verified by VerifyDue, or not replied by RectifyDue.
func (o *Order) Overdue(today string) bool {
	switch o.State {
	case Received, Verifying:
		return today > o.VerifyDue || today > o.RectifyDue
	case Rectifying:
		return today > o.RectifyDue
	}
	return false
}

// Next returns the states the order may go to next.
func (o *Order) Next() []State {
	switch o.State {
	case Received:
		return []State{Verifying}
	case Verifying:
		return []State{Rectifying}
	case Rectifying:
		return []State{Replied}
	case Replied:
		if o.Named {
			return []State{Visited}
		}
		// An anonymous reviewer cannot be visited.
		return []State{Closed}
	case Visited:
		return []State{Closed}
	}
	return nil
}

// openOrder opens the work order of 差评 r, due in working days of the
// calendar, and returns its number.
func openOrder(ctx context.Context, tx *db.Tx, r *Review) (string, error) {
	cal, err := calendar(ctx, tx)
	if err != nil {
		return "", err
	}
	return openOrderOn(ctx, tx, cal, r, tx.Now)
}

// openOrderOn opens the work order of 差评 r given at at.
func openOrderOn(ctx context.Context, tx *db.Tx, cal *Calendar, r *Review, at time.Time) (string, error) {
	day := dayOf(at)
	id := db.NewID()
	// Numbers run per day, W20260302-0001 on: orders are never deleted, and
	// the intake and imports write them one transaction at a time.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM review_orders WHERE opened_on = $1`, day.Format(time.DateOnly)).Scan(&n); err != nil {
		return "", fmt.Errorf("number work order: %w", err)
	}
	number := fmt.Sprintf("W%s-%04d", day.Format("20060102"), n+1)
	_, err := tx.ExecContext(ctx, `INSERT INTO review_orders (id, number, review_id, unit_id, item_id, period, state, owner, opened_on,
		verify_due, rectify_due, escalated_on, closed_on, closed_in_sla, satisfaction, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10, '', '', 0, '', $11, $11)`,
		id, number, r.ID, r.UnitID, r.ItemID, r.Period, string(Received), day.Format(time.DateOnly),
		cal.AddWorking(day, VerifyDays).Format(time.DateOnly), cal.AddWorking(day, RectifyDays).Format(time.DateOnly), tx.Now.UnixMicro())
	if err != nil {
		return "", fmt.Errorf("open work order: %w", err)
	}
	return number, addStep(ctx, tx, id, Received, levelLabels[r.Level]+"："+r.Comment, "公众评价")
}

// addStep records a step of order id.
func addStep(ctx context.Context, tx *db.Tx, id int64, st State, note, actor string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO review_order_steps (order_id, seq, state, note, actor, taken_at)
		VALUES ($1, (SELECT COALESCE(max(seq), 0) + 1 FROM review_order_steps WHERE order_id = $1), $2, $3, $4, $5)`,
		id, string(st), note, actor, tx.Now.UnixMicro())
	if err != nil {
		return fmt.Errorf("record work order step: %w", err)
	}
	return nil
}

// Step is a move of a work order to its next state.
type Step struct {
	To   State
	Note string
	// Owner names who answers for the order when it is signed for.
	Owner string
	// Satisfaction is the reviewer's answer at the 回访.
	Satisfaction Satisfaction
}

// Error keys of work-order moves.
const (
	KeyOutOfOrder = "review.order.out_of_order"
)

// Advance moves work order id to its next state. The actor needs
// ActServiceWrite on the order's unit. A move out of order is refused; a
// note is required; signing for names the owner; the 回访 records the
// reviewer's satisfaction. Closing it dates it, says whether it was
// replied by its deadline, and publishes the unit's metrics of the period
// again, for reason "工单 <number> 办结后重新计算".
func (s *Service) Advance(ctx context.Context, a *auth.Actor, id int64, st Step) (*Order, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	st.Note, st.Owner = strings.TrimSpace(st.Note), strings.TrimSpace(st.Owner)
	var l errs.List
	if e := errs.CheckText("note", "review.order.note", "note", st.Note, 1000, true); e != nil {
		l.Add(e)
	}
	if st.To == Verifying {
		if e := errs.CheckText("owner", "review.order.owner", "owner", st.Owner, 64, true); e != nil {
			l.Add(e)
		}
	}
	if st.To == Visited && !slices.Contains(Satisfactions, st.Satisfaction) {
		l.Add(errs.Field("satisfaction", "review.order.satisfaction_required", "record how satisfied the reviewer is now"))
	}
	if len(l) > 0 {
		return nil, l
	}
	var out *Order
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := getOrder(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActServiceWrite, o.unitPath); err != nil {
			if errs.Is(err, errs.NotFound) {
				return errs.NoSuch("work order")
			}
			return err
		}
		if !slices.Contains(o.Next(), st.To) {
			e := errs.New(errs.Conflict, KeyOutOfOrder, fmt.Sprintf("work order %s is %s: it cannot go to %s", o.Number, o.State, st.To))
			e.Args = map[string]any{"number": o.Number}
			return e
		}
		before := o.summary()
		today := today(tx.Now)
		o.State = st.To
		switch st.To {
		case Verifying:
			o.Owner = st.Owner
		case Visited:
			o.Satisfaction = st.Satisfaction
		case Closed:
			o.ClosedOn = today
			replied, err := repliedOn(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			o.ClosedInSLA = replied != "" && replied <= o.RectifyDue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE review_orders SET state = $2, owner = $3, satisfaction = $4, closed_on = $5,
			closed_in_sla = $6, updated_at = $7 WHERE id = $1`, o.ID, string(o.State), o.Owner, string(o.Satisfaction), o.ClosedOn,
			boolInt(o.ClosedInSLA), tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("move work order: %w", err)
		}
		if err := addStep(ctx, tx, o.ID, st.To, st.Note, a.AuditName()); err != nil {
			return err
		}
		switch st.To {
		case Verifying:
			err = recordStep(ctx, tx, a, "review.order.verifying", o, before, st.Note)
		case Rectifying:
			err = recordStep(ctx, tx, a, "review.order.rectifying", o, before, st.Note)
		case Replied:
			err = recordStep(ctx, tx, a, "review.order.replied", o, before, st.Note)
		case Visited:
			err = recordStep(ctx, tx, a, "review.order.visited", o, before, st.Note)
		case Closed:
			err = recordStep(ctx, tx, a, "review.order.closed", o, before, st.Note)
		}
		if err != nil {
			return err
		}
		if st.To == Closed {
			if _, err := s.publish(ctx, tx, a, []int64{o.UnitID}, o.Period, "工单 "+o.Number+" 办结后重新计算"); err != nil {
				return err
			}
		}
		out = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// recordStep records order o's move to its state in the audit log.
func recordStep(ctx context.Context, tx *db.Tx, a *auth.Actor, action string, o *Order, before map[string]any, note string) error {
	return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "review_order", ObjectID: db.FormatID(o.ID),
		UnitPath: o.unitPath, Before: before, After: o.summary(), Reason: note})
}

func (o *Order) summary() map[string]any {
	return map[string]any{"number": o.Number, "state": o.State, "owner": o.Owner, "satisfaction": o.Satisfaction,
		"closed_on": o.ClosedOn, "closed_in_sla": o.ClosedInSLA, "escalated_on": o.EscalatedOn}
}

// repliedOn is the day order id was replied (反馈), "" if never.
func repliedOn(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var at sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(taken_at) FROM review_order_steps WHERE order_id = $1 AND state = $2`,
		id, string(Replied)).Scan(&at); err != nil {
		return "", fmt.Errorf("read reply: %w", err)
	}
	if !at.Valid {
		return "", nil
	}
	return today(db.Micros(at.Int64)), nil
}

const orderColumns = `o.id, o.number, o.review_id, o.unit_id, o.item_id, o.period, o.state, o.owner, o.opened_on, o.verify_due,
	o.rectify_due, o.escalated_on, o.closed_on, o.closed_in_sla, o.satisfaction, i.name, c.number, r.level, r.comment, r.named, r.status`

const orderFrom = ` FROM review_orders o JOIN service_items i ON i.id = o.item_id JOIN reviews r ON r.id = o.review_id
	JOIN review_cases c ON c.id = r.case_id`

func scanOrder(scan func(...any) error) (*Order, error) {
	var o Order
	var sla, named int
	if err := scan(&o.ID, &o.Number, &o.ReviewID, &o.UnitID, &o.ItemID, &o.Period, &o.State, &o.Owner, &o.OpenedOn, &o.VerifyDue,
		&o.RectifyDue, &o.EscalatedOn, &o.ClosedOn, &sla, &o.Satisfaction, &o.Item, &o.CaseNumber, &o.Level, &o.Comment, &named,
		&o.ReviewStatus); err != nil {
		return nil, err
	}
	o.ClosedInSLA, o.Named = sla == 1, named == 1
	return &o, nil
}

// getOrder reads order id with its unit and steps.
func getOrder(ctx context.Context, tx *db.Tx, id int64) (*Order, error) {
	o, err := scanOrder(tx.QueryRowContext(ctx, `SELECT `+orderColumns+orderFrom+` WHERE o.id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("work order")
	}
	if err != nil {
		return nil, fmt.Errorf("read work order: %w", err)
	}
	u, err := org.GetUnit(ctx, tx, o.UnitID)
	if err != nil {
		return nil, err
	}
	o.Unit, o.unitPath = u.Name, u.Path
	err = db.EachRow(ctx, tx, `SELECT state, note, actor, taken_at FROM review_order_steps WHERE order_id = $1 ORDER BY seq`,
		[]any{id}, func(scan func(...any) error) error {
			var st OrderStep
			var at int64
			if err := scan(&st.State, &st.Note, &st.Actor, &at); err != nil {
				return err
			}
			st.At = db.Micros(at)
			o.Steps = append(o.Steps, st)
			return nil
		})
	return o, err
}

// Order reads work order id with its steps. The actor needs
// ActServiceRead on its unit; one out of sight is not found.
func (s *Service) Order(ctx context.Context, a *auth.Actor, id int64) (*Order, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Order
	err := s.db.View(ctx, func(tx *db.Tx) error {
		o, err := getOrder(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActServiceRead, o.unitPath); err != nil {
			if errs.Is(err, errs.NotFound) {
				return errs.NoSuch("work order")
			}
			return err
		}
		out = o
		return nil
	})
	return out, err
}

// OrderFilter narrows a list of work orders.
type OrderFilter struct {
	// Under is a unit: orders of its subtree; 0 for the actor's scope.
	Under int64
	State State
	// Open leaves closed orders out; Overdue keeps only overdue ones.
	Open, Overdue bool
	Limit         int
}

// Orders lists the work orders in the actor's ActServiceRead scope, the
// oldest open first, at most f.Limit (default 500).
func (s *Service) Orders(ctx context.Context, a *auth.Actor, f OrderFilter) ([]*Order, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActServiceRead)
	if sc.Empty() && f.Under == 0 {
		return nil, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActServiceRead))
	}
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 500
	}
	var out []*Order
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		if f.Under != 0 {
			// A unit out of sight is not found, one in sight but not
			// readable forbidden, before anything is listed.
			u, err := s.unit(ctx, tx, a, auth.ActServiceRead, f.Under)
			if err != nil {
				return err
			}
			sc = auth.Scope{Subtrees: []string{u.Path}}
		}
		where := []string{org.UnitInScopeSQL("o.unit_id", sc, &args)}
		if f.State != "" {
			where = append(where, "o.state = "+db.Arg(&args, string(f.State)))
		}
		if f.Open || f.Overdue {
			where = append(where, "o.state <> "+db.Arg(&args, string(Closed)))
		}
		today := today(tx.Now)
		if f.Overdue {
			t := db.Arg(&args, today)
			where = append(where, `((o.state IN ('received', 'verifying') AND o.verify_due < `+t+`) OR
				(o.state IN ('received', 'verifying', 'rectifying') AND o.rectify_due < `+t+`))`)
		}
		q := `SELECT ` + orderColumns + orderFrom + ` WHERE ` + strings.Join(where, " AND ") +
			` ORDER BY CASE WHEN o.state = 'closed' THEN 1 ELSE 0 END, o.rectify_due, o.number LIMIT ` + fmt.Sprint(f.Limit)
		err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			o, err := scanOrder(scan)
			if err != nil {
				return err
			}
			out = append(out, o)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list work orders: %w", err)
		}
		return nameUnits(ctx, tx, out)
	})
	return out, err
}

// nameUnits loads the units of orders.
func nameUnits(ctx context.Context, tx *db.Tx, orders []*Order) error {
	var ids []int64
	for _, o := range orders {
		ids = append(ids, o.UnitID)
	}
	us, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, o := range orders {
		if u := us[o.UnitID]; u != nil {
			o.Unit, o.unitPath = u.Name, u.Path
		}
	}
	return nil
}

// MayAnswer reports whether a may take o's steps.
func (s *Service) MayAnswer(a *auth.Actor, o *Order) bool {
	return s.pol.Authorize(a, auth.ActServiceWrite, o.unitPath) == nil
}
