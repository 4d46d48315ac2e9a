package outcome

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/feedback"
	"kaohe/internal/finding"
	"kaohe/internal/org"
	"kaohe/internal/track"
)

// Handover is a post changing hands (离任交接): what was open for the
// successor when it was recorded, signed by both sides.
type Handover struct {
	ID     int64
	UnitID int64
	// Unit is the unit's name (loaded), UnitPath its path.
	Unit, UnitPath string
	// Title is the post's title (县长).
	Title                    string
	FromPersonID, ToPersonID int64
	// From and To name the two cadres (loaded).
	From, To string
	// HandedOn is the day the post changes hands ('YYYY-MM-DD').
	HandedOn string
	Items    []HandoverItem
	// FromSigned and ToSigned are when each side signed; zero until then.
	FromSigned, ToSigned time.Time
	CreatedBy            string
	CreatedAt            time.Time
}

// Signed reports whether both sides signed.
func (h *Handover) Signed() bool { return !h.FromSigned.IsZero() && !h.ToSigned.IsZero() }

// HandoverItem is one open item a handover passes on, as it stood when
// the handover was recorded: an active finding about the unit, whose
// rectification the successor carries on; a commitment not yet verified;
// a rectification task not yet 整改到位; a major project or 潜绩 of the
// ledger; an open monitoring alert.
type HandoverItem struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
	// Reference is a finding's or a task's report's 文号.
	Reference string `json:"reference"`
	Title     string `json:"title"`
	// Since is the day the item began; Due a task's deadline.
	Since string `json:"since"`
	Due   string `json:"due,omitempty"`
	// Category is a finding's category, a commitment's dimension, a
	// ledger entry's kind, an alert's period.
	Category string `json:"category"`
	// Report is a task's feedback report.
	Report int64 `json:"report,omitempty"`
}

// The kinds of HandoverItem, in the order a handover lists them.
const (
	ItemFinding    = "finding"
	ItemCommitment = track.OpenCommitment
	ItemTask       = "task"
	ItemLedger     = track.OpenLedger
	ItemAlert      = track.OpenAlert
)

// Hand records that the post title of unit h.UnitID passes from cadre
// h.FromPersonID to h.ToPersonID on h.HandedOn, listing what is open for
// the successor. The office of the unit may (ActOutcomeDecide).
func (s *Service) Hand(ctx context.Context, a *auth.Actor, h Handover) (*Handover, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	h.Title, h.HandedOn = strings.TrimSpace(h.Title), strings.TrimSpace(h.HandedOn)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.ruleUnit(ctx, tx, a, h.UnitID, auth.ActOutcomeDecide)
		if err != nil {
			return err
		}
		ps, err := org.PeopleByID(ctx, tx, []int64{h.FromPersonID, h.ToPersonID})
		if err != nil {
			return err
		}
		var l errs.List
		if e := errs.CheckText("title", "outcome.handover.title", "title", h.Title, 60, true); e != nil {
			l.Add(e)
		}
		if _, err := time.Parse(org.DateLayout, h.HandedOn); err != nil {
			l.Add(errs.Field("handed_on", "outcome.handover.day_invalid", "handed_on is not a date"))
		}
		if ps[h.FromPersonID] == nil {
			l.Add(errs.Field("from", "outcome.handover.person_unknown", "no such cadre"))
		}
		if ps[h.ToPersonID] == nil {
			l.Add(errs.Field("to", "outcome.handover.person_unknown", "no such cadre"))
		} else if h.ToPersonID == h.FromPersonID {
			l.Add(errs.Field("to", "outcome.handover.same_person", "the successor is the predecessor"))
		}
		if err := l.Err(); err != nil {
			return err
		}
		if h.Items, err = openOfPost(ctx, tx, h.UnitID, h.FromPersonID, h.HandedOn); err != nil {
			return err
		}
		items, err := json.Marshal(h.Items)
		if err != nil {
			return err
		}
		h.ID, h.Unit, h.UnitPath, h.CreatedBy, h.CreatedAt = db.NewID(), u.Name, u.Path, nameOf(a), tx.Now
		h.From, h.To = ps[h.FromPersonID].Name, ps[h.ToPersonID].Name
		h.FromSigned, h.ToSigned = time.Time{}, time.Time{}
		if _, err := tx.ExecContext(ctx, `INSERT INTO handovers (id, unit_id, unit_path, title, from_person_id, to_person_id, handed_on,
			items, from_signed_at, to_signed_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10)`,
			h.ID, h.UnitID, u.Path, h.Title, h.FromPersonID, h.ToPersonID, h.HandedOn, string(items), h.CreatedBy,
			tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert handover: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.handover", ObjectType: "handover", ObjectID: db.FormatID(h.ID),
			UnitPath: u.Path, After: map[string]any{"title": h.Title, "from": db.FormatID(h.FromPersonID),
				"to": db.FormatID(h.ToPersonID), "handed_on": h.HandedOn, "items": len(h.Items)}})
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// openOfPost lists what is open for the post of unit unitID that person
// from hands over on day, from each item's owner: findings, commitments,
// rectification tasks, the ledger and monitoring alerts.
func openOfPost(ctx context.Context, tx *db.Tx, unitID, from int64, day string) ([]HandoverItem, error) {
	var out []HandoverItem
	fs, err := finding.OpenUnitFindings(ctx, tx, unitID)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		out = append(out, HandoverItem{Kind: ItemFinding, ID: f.ID, Reference: f.Reference, Title: f.Title, Since: f.FoundOn,
			Category: string(f.Category)})
	}
	tracked, err := track.OpenOfPost(ctx, tx, unitID, from, day)
	if err != nil {
		return nil, err
	}
	ts, err := feedback.OpenTasksOfPost(ctx, tx, unitID, from)
	if err != nil {
		return nil, err
	}
	for _, it := range tracked {
		if it.Kind == track.OpenCommitment {
			out = append(out, HandoverItem{Kind: it.Kind, ID: it.ID, Title: it.Title, Since: it.Since, Category: it.Detail})
		}
	}
	for _, t := range ts {
		out = append(out, HandoverItem{Kind: ItemTask, ID: t.ID, Reference: t.DocNo, Title: t.Problem, Due: t.Deadline, Report: t.ReportID})
	}
	for _, it := range tracked {
		if it.Kind != track.OpenCommitment {
			out = append(out, HandoverItem{Kind: it.Kind, ID: it.ID, Title: it.Title, Since: it.Since, Category: it.Detail})
		}
	}
	return out, nil
}

// Sign records the actor's signature of handover id: the predecessor's or
// the successor's, each with her own sign-in (ActHandoverSign). A side
// signs once.
func (s *Service) Sign(ctx context.Context, a *auth.Actor, id int64) (*Handover, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var h *Handover
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if h, err = s.readableHandover(ctx, tx, a, id); err != nil {
			return err
		}
		col, side := "", ""
		switch {
		case a.PersonID != 0 && a.PersonID == h.FromPersonID && h.FromSigned.IsZero():
			col, side, h.FromSigned = "from_signed_at", "from", tx.Now
		case a.PersonID != 0 && a.PersonID == h.ToPersonID && h.ToSigned.IsZero():
			col, side, h.ToSigned = "to_signed_at", "to", tx.Now
		case a.PersonID == h.FromPersonID || a.PersonID == h.ToPersonID:
			return errs.New(errs.Conflict, "outcome.handover.signed", "already signed")
		default:
			return errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActHandoverSign))
		}
		if err := s.pol.AuthorizePerson(a, auth.ActHandoverSign, a.PersonID, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE handovers SET `+col+` = $2 WHERE id = $1`, id, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("sign handover: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.handover_sign", ObjectType: "handover", ObjectID: db.FormatID(id),
			UnitPath: h.UnitPath, After: map[string]any{"side": side}})
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Handovers returns the handovers the actor may read, newest first: those
// of units in its ActOutcomeRead scope and its own (either side).
func (s *Service) Handovers(ctx context.Context, a *auth.Actor) ([]*Handover, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActOutcomeRead)
	sc.Self = false
	var out []*Handover
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		var conds []string
		if !sc.Empty() {
			conds = append(conds, sc.SQL("unit_path", &args))
		}
		if a.PersonID != 0 {
			p := db.Arg(&args, a.PersonID)
			conds = append(conds, "from_person_id = "+p+" OR to_person_id = "+p)
		}
		if len(conds) == 0 {
			return nil
		}
		var err error
		out, err = queryHandovers(ctx, tx, "("+strings.Join(conds, ") OR (")+")", args)
		return err
	})
	return out, err
}

// Handover returns handover id; NotFound for one the actor may not read.
func (s *Service) Handover(ctx context.Context, a *auth.Actor, id int64) (*Handover, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var h *Handover
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		h, err = s.readableHandover(ctx, tx, a, id)
		return err
	})
	return h, err
}

// readableHandover reads handover id if a reads it: in its scope, or one
// of its two sides.
func (s *Service) readableHandover(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Handover, error) {
	hs, err := queryHandovers(ctx, tx, `id = $1`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, errs.NoSuch("handover")
	}
	h := hs[0]
	if a.PersonID != 0 && (a.PersonID == h.FromPersonID || a.PersonID == h.ToPersonID) {
		return h, nil
	}
	if s.pol.AuthorizePerson(a, auth.ActOutcomeRead, 0, []string{h.UnitPath}) != nil {
		return nil, errs.NoSuch("handover")
	}
	return h, nil
}

// queryHandovers reads the handovers where cond holds, newest first, with
// their units' and cadres' names.
func queryHandovers(ctx context.Context, tx *db.Tx, cond string, args []any) ([]*Handover, error) {
	var out []*Handover
	err := db.EachRow(ctx, tx, `SELECT id, unit_id, unit_path, title, from_person_id, to_person_id, handed_on, items, from_signed_at,
		to_signed_at, created_by, created_at FROM handovers WHERE `+cond+` ORDER BY handed_on DESC, id DESC`, args,
		func(scan func(...any) error) error {
			h := &Handover{}
			var items string
			var fromAt, toAt, at int64
			if err := scan(&h.ID, &h.UnitID, &h.UnitPath, &h.Title, &h.FromPersonID, &h.ToPersonID, &h.HandedOn, &items, &fromAt, &toAt,
				&h.CreatedBy, &at); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(items), &h.Items); err != nil {
				return fmt.Errorf("handover %d items: %w", h.ID, err)
			}
			if fromAt != 0 {
				h.FromSigned = db.Micros(fromAt)
			}
			if toAt != 0 {
				h.ToSigned = db.Micros(toAt)
			}
			h.CreatedAt = db.Micros(at)
			out = append(out, h)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read handovers: %w", err)
	}
	var pids, uids []int64
	for _, h := range out {
		pids = append(pids, h.FromPersonID, h.ToPersonID)
		uids = append(uids, h.UnitID)
	}
	ps, err := org.PeopleByID(ctx, tx, pids)
	if err != nil {
		return nil, err
	}
	us, err := org.UnitsByID(ctx, tx, uids)
	if err != nil {
		return nil, err
	}
	for _, h := range out {
		if p := ps[h.FromPersonID]; p != nil {
			h.From = p.Name
		}
		if p := ps[h.ToPersonID]; p != nil {
			h.To = p.Name
		}
		if u := us[h.UnitID]; u != nil {
			h.Unit = u.Name
		}
	}
	return out, nil
}
