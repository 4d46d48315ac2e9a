package finding

import (
	"cmp"
	"context"
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

// TransferStatus is where a transfer of a finding (线索移送) stands.
type TransferStatus string

// The statuses of a transfer: sent, then received, then handled; or
// returned from sent or received.
const (
	TransferSent     TransferStatus = "sent"     // 已移送
	TransferReceived TransferStatus = "received" // 已签收
	TransferHandled  TransferStatus = "handled"  // 已办结
	TransferReturned TransferStatus = "returned" // 退回
)

// TransferNone is the list filter for findings never transferred.
const TransferNone TransferStatus = "none"

// TransferStatuses lists the statuses in the order the interface shows
// them.
var TransferStatuses = []TransferStatus{TransferSent, TransferReceived, TransferHandled, TransferReturned}

// Valid reports whether s is a known status.
func (s TransferStatus) Valid() bool { return slices.Contains(TransferStatuses, s) }

// Open reports whether the receiving body still has a step to take.
func (s TransferStatus) Open() bool { return s == TransferSent || s == TransferReceived }

// Transfer is the transfer of a finding from the body that recorded it
// to another body (e.g. 巡察 → 纪委), with its receipt, status and
// outcome. Each step names its user as then.
type Transfer struct {
	ID, FindingID int64
	// FromBodyID is the body that recorded the finding, ToBodyID the body
	// it was transferred to; FromBody and ToBody their names (loaded).
	FromBodyID, ToBodyID int64
	FromBody, ToBody     string
	Status               TransferStatus
	// SentOn is the day sent, 'YYYY-MM-DD'; Reason why.
	SentOn, Reason, Sender string
	SentAt                 time.Time
	// ReceivedOn is the day of the receipt and Receiver who signed it (签收
	// 人), ReceivedBy the user who recorded it; "" until received.
	ReceivedOn, Receiver, ReceivedBy string
	// HandledOn is the day it was concluded (办结) with Outcome, by
	// HandledBy; "" until handled.
	HandledOn, Outcome, HandledBy string
	// ReturnedOn is the day it was returned (退回) with ReturnReason, by
	// ReturnedBy; "" unless returned.
	ReturnedOn, ReturnReason, ReturnedBy string
	// Act says the actor reading it may take its next steps: it records
	// as the receiving body and the transfer is open (set by Get).
	Act bool
	// toPath is the receiving body's path, which the policy judges its
	// steps by.
	toPath string
}

// Sending is the transfer a body makes of its finding.
type Sending struct {
	ToBodyID int64
	SentOn   string
	Reason   string
}

// Receipt is the receiving body's receipt of a transfer (签收).
type Receipt struct {
	Day, Receiver, Note string
}

// Handling is the outcome of a transfer (办结).
type Handling struct {
	Day, Outcome string
}

// Returning is the return of a transfer (退回) with its reason.
type Returning struct {
	Day, Reason string
}

// Limits of a transfer's text.
const (
	maxTransferText = 2000
	maxReceiver     = 100
)

// Transfer transfers finding id to another body: the body that recorded
// it may (ActFindingWrite on its body), to a department other than
// itself whose jurisdiction holds the finding's unit, while no transfer
// of the finding to that body is open. A voided finding is not
// transferred. The transfer and its audit event are one transaction.
func (s *Service) Transfer(ctx context.Context, a *auth.Actor, id int64, sd Sending) (*Transfer, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sd.SentOn, sd.Reason = strings.TrimSpace(sd.SentOn), strings.TrimSpace(sd.Reason)
	var out *Transfer
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mayWrite(a, f); err != nil {
			return err
		}
		if f.Status == Voided {
			return open(f)
		}
		var l errs.List
		if e := checkDay("sent_on", "finding.transfer.sent_on", sd.SentOn, f.FoundOn, s.db.Clock()); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("reason", "finding.transfer.reason", "the reason", sd.Reason, maxTransferText, true); e != nil {
			l.Add(e)
		}
		to, te := s.target(ctx, tx, f, sd.ToBodyID)
		if te != nil {
			l.Add(te)
		}
		if len(l) > 0 {
			return l
		}
		held, err := transfersOf(ctx, tx, []int64{f.ID})
		if err != nil {
			return err
		}
		if slices.ContainsFunc(held[f.ID], func(t *Transfer) bool { return t.ToBodyID == to.ID && t.Status.Open() }) {
			return errs.New(errs.Conflict, "finding.transfer.open", "the finding is already transferred to that body and not concluded")
		}
		t := &Transfer{ID: db.NewID(), FindingID: f.ID, FromBodyID: f.BodyID, FromBody: f.Body, ToBodyID: to.ID, ToBody: to.Name,
			Status: TransferSent, SentOn: sd.SentOn, Reason: sd.Reason, Sender: a.Name, SentAt: tx.Now, toPath: to.Path}
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_transfers (id, finding_id, from_body_id, to_body_id, status, sent_on, reason,
			sender_id, sender_name, sent_at, received_on, receiver, receiver_id, receiver_name, received_at, handled_on, outcome,
			handler_id, handler_name, handled_at, returned_on, return_reason, returner_id, returner_name, returned_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', '', 0, '', 0, '', '', 0, '', 0, '', '', 0, '', 0)`,
			t.ID, t.FindingID, t.FromBodyID, t.ToBodyID, t.Status, t.SentOn, t.Reason, a.UserID, a.Name, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert transfer: %w", err)
		}
		if err := touch(ctx, tx, f.ID); err != nil {
			return err
		}
		out = t
		return auth.Record(ctx, tx, a, audit.Event{Action: "finding.transfer", ObjectType: "finding", ObjectID: db.FormatID(f.ID),
			UnitPath: f.unitPath, After: map[string]any{"transfer_id": db.FormatID(t.ID), "to_body_id": db.FormatID(to.ID),
				"to_body": to.Name, "sent_on": t.SentOn, "status": t.Status}, Reason: t.Reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// target reads the body finding f may be transferred to: a department
// other than f's body whose jurisdiction holds f's unit.
func (s *Service) target(ctx context.Context, tx *db.Tx, f *Finding, id int64) (*Body, *errs.Error) {
	if id == 0 {
		return nil, errs.Field("to_body_id", "finding.transfer.to_required", "choose the body the finding goes to")
	}
	b, err := bodyOf(ctx, tx, id)
	if err != nil {
		return nil, errs.Field("to_body_id", "finding.transfer.to_invalid", "no such body")
	}
	if b.Kind != org.KindDepartment || b.ID == f.BodyID || !b.Covers(f.unitPath) {
		return nil, errs.Field("to_body_id", "finding.transfer.to_invalid",
			"the finding goes to another supervisory body whose jurisdiction holds its unit")
	}
	return b, nil
}

// Targets returns the bodies finding id may be transferred to, by name,
// to its body (ActFindingWrite on it); anyone else gets the refusal of
// Transfer.
func (s *Service) Targets(ctx context.Context, a *auth.Actor, id int64) ([]*Body, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Body
	err := s.db.View(ctx, func(tx *db.Tx) error {
		f, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mayWrite(a, f); err != nil {
			return err
		}
		out, err = targetsOf(ctx, tx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// targetsOf lists the departments other than f's body whose jurisdiction
// holds f's unit: those placed under one of the regions above the unit
// (or the unit itself), nearest a region of theirs.
func targetsOf(ctx context.Context, tx *db.Tx, f *Finding) ([]*Body, error) {
	root := f.unitPath
	if ids := ancestors(f.unitPath); len(ids) > 0 {
		root = "/" + db.FormatID(ids[0]) + "/"
	}
	us, err := org.ListUnits(ctx, tx, org.UnitQuery{Under: root, Kind: org.KindDepartment, Limit: maxUnitChoices})
	if err != nil {
		return nil, err
	}
	bs, err := asBodies(ctx, tx, us)
	if err != nil {
		return nil, err
	}
	var out []*Body
	for _, b := range bs {
		if b.ID != f.BodyID && b.Covers(f.unitPath) {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(x, y *Body) int { return cmp.Or(strings.Compare(x.Path, y.Path), cmp.Compare(x.ID, y.ID)) })
	return out, nil
}

// Receive records the receiving body's receipt of transfer id (签收): the
// step after sending.
func (s *Service) Receive(ctx context.Context, a *auth.Actor, id int64, r Receipt) (*Transfer, error) {
	r.Day, r.Receiver, r.Note = strings.TrimSpace(r.Day), strings.TrimSpace(r.Receiver), strings.TrimSpace(r.Note)
	return s.transferStep(ctx, a, id, TransferReceived, "finding.transfer.received", func(tx *db.Tx, f *Finding, t *Transfer) (string, error) {
		var l errs.List
		if e := checkDay("day", "finding.transfer.received_on", r.Day, t.SentOn, s.db.Clock()); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("receiver", "finding.transfer.receiver", "the receiver", r.Receiver, maxReceiver, true); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("note", "finding.transfer.note", "the note", r.Note, maxTransferText, false); e != nil {
			l.Add(e)
		}
		if len(l) > 0 {
			return "", l
		}
		t.ReceivedOn, t.Receiver, t.ReceivedBy = r.Day, r.Receiver, a.Name
		_, err := tx.ExecContext(ctx, `UPDATE finding_transfers SET status = $1, received_on = $2, receiver = $3, receiver_id = $4,
			receiver_name = $5, received_at = $6 WHERE id = $7`, TransferReceived, r.Day, r.Receiver, a.UserID, a.Name, tx.Now.UnixMicro(), t.ID)
		if err != nil {
			return "", fmt.Errorf("receive transfer: %w", err)
		}
		return cmp.Or(r.Note, "签收人："+r.Receiver), nil
	}, func(t *Transfer) map[string]any {
		return map[string]any{"received_on": t.ReceivedOn, "receiver": t.Receiver}
	})
}

// Handle records the outcome of transfer id (办结): the step after the
// receipt.
func (s *Service) Handle(ctx context.Context, a *auth.Actor, id int64, h Handling) (*Transfer, error) {
	h.Day, h.Outcome = strings.TrimSpace(h.Day), strings.TrimSpace(h.Outcome)
	return s.transferStep(ctx, a, id, TransferHandled, "finding.transfer.handled", func(tx *db.Tx, f *Finding, t *Transfer) (string, error) {
		var l errs.List
		if e := checkDay("day", "finding.transfer.handled_on", h.Day, t.ReceivedOn, s.db.Clock()); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("outcome", "finding.transfer.outcome", "the outcome", h.Outcome, maxTransferText, true); e != nil {
			l.Add(e)
		}
		if len(l) > 0 {
			return "", l
		}
		t.HandledOn, t.Outcome, t.HandledBy = h.Day, h.Outcome, a.Name
		_, err := tx.ExecContext(ctx, `UPDATE finding_transfers SET status = $1, handled_on = $2, outcome = $3, handler_id = $4,
			handler_name = $5, handled_at = $6 WHERE id = $7`, TransferHandled, h.Day, h.Outcome, a.UserID, a.Name, tx.Now.UnixMicro(), t.ID)
		if err != nil {
			return "", fmt.Errorf("handle transfer: %w", err)
		}
		return h.Outcome, nil
	}, func(t *Transfer) map[string]any {
		return map[string]any{"handled_on": t.HandledOn, "outcome": t.Outcome}
	})
}

// Return returns transfer id to the body that sent it (退回) with a
// reason: the receiving body may, before it concludes the transfer.
func (s *Service) Return(ctx context.Context, a *auth.Actor, id int64, r Returning) (*Transfer, error) {
	r.Day, r.Reason = strings.TrimSpace(r.Day), strings.TrimSpace(r.Reason)
	return s.transferStep(ctx, a, id, TransferReturned, "finding.transfer.returned", func(tx *db.Tx, f *Finding, t *Transfer) (string, error) {
		var l errs.List
		if e := checkDay("day", "finding.transfer.returned_on", r.Day, cmp.Or(t.ReceivedOn, t.SentOn), s.db.Clock()); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("reason", "finding.transfer.return_reason", "the reason", r.Reason, maxTransferText, true); e != nil {
			l.Add(e)
		}
		if len(l) > 0 {
			return "", l
		}
		t.ReturnedOn, t.ReturnReason, t.ReturnedBy = r.Day, r.Reason, a.Name
		_, err := tx.ExecContext(ctx, `UPDATE finding_transfers SET status = $1, returned_on = $2, return_reason = $3, returner_id = $4,
			returner_name = $5, returned_at = $6 WHERE id = $7`, TransferReturned, r.Day, r.Reason, a.UserID, a.Name, tx.Now.UnixMicro(), t.ID)
		if err != nil {
			return "", fmt.Errorf("return transfer: %w", err)
		}
		return r.Reason, nil
	}, func(t *Transfer) map[string]any {
		return map[string]any{"returned_on": t.ReturnedOn}
	})
}

// transferStep takes step want of transfer id as the receiving body: a
// reader of the finding who does not record as that body is refused
// (Forbidden), anyone else gets NotFound; a step out of order is a
// Conflict. take checks the input, writes the step and returns the audit
// reason; action is the audit event's action and after what the audit event records besides the status.
func (s *Service) transferStep(ctx context.Context, a *auth.Actor, id int64, want TransferStatus, action string,
	take func(tx *db.Tx, f *Finding, t *Transfer) (string, error), after func(t *Transfer) map[string]any) (*Transfer, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Transfer
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := transfer(ctx, tx, id)
		if err != nil {
			return err
		}
		f, err := get(ctx, tx, t.FindingID)
		if err != nil {
			return err
		}
		if err := s.mayRead(a, f); err != nil {
			return errs.NoSuch("transfer")
		}
		if err := forbiddenIfRead(s.pol.Authorize(a, auth.ActFindingWrite, t.toPath), auth.ActFindingWrite); err != nil {
			return err
		}
		if !stepAllowed(t.Status, want) {
			e := errs.New(errs.Conflict, "finding.transfer.out_of_order",
				fmt.Sprintf("the transfer is %s: it cannot be %s", t.Status, want))
			e.Args = map[string]any{"status": string(t.Status), "step": string(want)}
			return e
		}
		before := t.Status
		reason, err := take(tx, f, t)
		if err != nil {
			return err
		}
		t.Status = want
		if err := touch(ctx, tx, f.ID); err != nil {
			return err
		}
		ev := after(t)
		ev["transfer_id"], ev["status"] = db.FormatID(t.ID), t.Status
		out = t
		return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "finding",
			ObjectID: db.FormatID(f.ID), UnitPath: f.unitPath, Before: map[string]any{"transfer_id": db.FormatID(t.ID), "status": before},
			After: ev, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// stepAllowed reports whether a transfer at from may go to to.
func stepAllowed(from, to TransferStatus) bool {
	switch to {
	case TransferReceived:
		return from == TransferSent
	case TransferHandled:
		return from == TransferReceived
	case TransferReturned:
		return from.Open()
	}
	return false
}

// transferCols are the columns scanTransfers reads, of finding_transfers t.
const transferCols = `t.id, t.finding_id, t.from_body_id, t.to_body_id, t.status, t.sent_on, t.reason, t.sender_name, t.sent_at,
	t.received_on, t.receiver, t.receiver_name, t.handled_on, t.outcome, t.handler_name, t.returned_on, t.return_reason, t.returner_name`

// queryTransfers reads the transfers of a query selecting transferCols,
// with the names and paths of their bodies.
func queryTransfers(ctx context.Context, tx *db.Tx, query string, args []any) ([]*Transfer, error) {
	var out []*Transfer
	var bodies []int64
	err := db.EachRow(ctx, tx, query, args, func(scan func(...any) error) error {
		t := &Transfer{}
		var at int64
		if err := scan(&t.ID, &t.FindingID, &t.FromBodyID, &t.ToBodyID, &t.Status, &t.SentOn, &t.Reason, &t.Sender, &at,
			&t.ReceivedOn, &t.Receiver, &t.ReceivedBy, &t.HandledOn, &t.Outcome, &t.HandledBy, &t.ReturnedOn, &t.ReturnReason,
			&t.ReturnedBy); err != nil {
			return err
		}
		t.SentAt = db.Micros(at)
		bodies = append(bodies, t.FromBodyID, t.ToBodyID)
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read transfers: %w", err)
	}
	units, err := org.UnitsByID(ctx, tx, bodies)
	if err != nil {
		return nil, err
	}
	for _, t := range out {
		from, to := units[t.FromBodyID], units[t.ToBodyID]
		if from == nil || to == nil {
			return nil, fmt.Errorf("transfer %d: its bodies are missing", t.ID)
		}
		t.FromBody, t.ToBody, t.toPath = from.Name, to.Name, to.Path
	}
	return out, nil
}

// transfer reads transfer id; NotFound when there is none.
func transfer(ctx context.Context, tx *db.Tx, id int64) (*Transfer, error) {
	ts, err := queryTransfers(ctx, tx, `SELECT `+transferCols+` FROM finding_transfers t WHERE t.id = $1`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errs.NoSuch("transfer")
	}
	return ts[0], nil
}

// transfersOf reads the transfers of findings ids, by finding, the
// earliest sent first.
func transfersOf(ctx context.Context, tx *db.Tx, ids []int64) (map[int64][]*Transfer, error) {
	out := map[int64][]*Transfer{}
	for start := 0; start < len(ids); start += 500 {
		var args []any
		ts, err := queryTransfers(ctx, tx, `SELECT `+transferCols+` FROM finding_transfers t WHERE t.finding_id IN (`+
			db.In(&args, ids[start:min(start+500, len(ids))])+`) ORDER BY t.sent_at, t.id`, args)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			out[t.FindingID] = append(out[t.FindingID], t)
		}
	}
	return out, nil
}

// Awaiting counts the transfers to the bodies a records as, by status:
// what a body's home shows. An actor who records as no body gets an
// empty map.
func (s *Service) Awaiting(ctx context.Context, a *auth.Actor) (map[TransferStatus]int, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := map[TransferStatus]int{}
	sc := s.pol.Scope(a, auth.ActFindingWrite)
	if sc.Empty() {
		return out, nil
	}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		return db.EachRow(ctx, tx, `SELECT t.status, count(*) FROM finding_transfers t WHERE `+
			org.UnitInScopeSQL("t.to_body_id", sc, &args)+` GROUP BY t.status`, args, func(scan func(...any) error) error {
			var st TransferStatus
			var n int
			if err := scan(&st, &n); err != nil {
				return err
			}
			out[st] = n
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
