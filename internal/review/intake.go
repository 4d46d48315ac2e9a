package review

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Submission is a review from the public review page (or a channel's
// intake): the case it reviews by number, at the service item the QR code
// names.
type Submission struct {
	ItemID  int64
	Number  string
	Channel Channel
	// FollowUp asks for the 追评 of a case already reviewed on the channel.
	FollowUp bool
	Level    Level
	// Subitems are the levels of the channel's sub-items; missing ones are
	// not rated.
	Subitems map[string]Level
	Comment  string
	// Contact is the reviewer's phone number, "" for an anonymous review;
	// a review with one is 实名 and its 差评 gets a follow-up visit.
	Contact string
	// Device and Addr identify the device (a cookie) and the network
	// address it came from, for the fraud checks; kept only as hashes.
	Device, Addr string
	// Viewer is the signed-in user who sent it, nil for the public: staff
	// of the case's unit reviewing its cases are flagged.
	Viewer *auth.Actor
}

// Receipt is what an accepted review gets back.
type Receipt struct {
	ReviewID int64
	// Order is the number of the work order a 差评 opened, "" for none.
	Order string
	// Held is true when fraud checks hold the review for decision.
	Held bool
}

// Error keys of refused reviews, which the public page shows.
const (
	KeyCaseUnknown  = "review.submit.case_unknown"
	KeyWrongItem    = "review.submit.wrong_item"
	KeyWindowClosed = "review.submit.window_closed"
	KeyReviewed     = "review.submit.reviewed"
	KeyFollowedUp   = "review.submit.followed_up"
	KeyNoFirst      = "review.submit.no_first"
)

// Submit records a review of the public. No actor: the case number is
// what admits it. A review of an unknown case, of a case of another item,
// after the case's review window, a second first review of the same case
// and channel, or a second follow-up is refused with its reason; a 差评
// opens a work order; a review the fraud checks flag is held. The review is
// committed before Submit returns.
func (s *Service) Submit(ctx context.Context, sub Submission) (*Receipt, error) {
	sub.Number, sub.Comment, sub.Contact = strings.TrimSpace(sub.Number), strings.TrimSpace(sub.Comment), strings.TrimSpace(sub.Contact)
	if l := sub.problems(); len(l) > 0 {
		return nil, l
	}
	return s.enqueue(ctx, sub)
}

func (sub *Submission) problems() errs.List {
	var l errs.List
	if sub.Number == "" || len(sub.Number) > 64 {
		l.Add(errs.Field("number", "review.submit.number_required", "enter the case number on your receipt"))
	}
	if !sub.Channel.Valid() {
		l.Add(errs.Field("channel", "review.case.channel_invalid", "the channel is not one of the national scheme's"))
	}
	if !sub.Level.Valid() {
		l.Add(errs.Field("level", "review.submit.level_required", "choose how satisfied you are"))
	}
	for k, v := range sub.Subitems {
		if !v.Valid() || !validSubitem(sub.Channel, k) {
			l.Add(errs.Field("sub."+k, "review.submit.subitem_invalid", "a sub-item is rated on the five levels"))
		}
	}
	if e := errs.CheckText("comment", "review.submit.comment", "comment", sub.Comment, 500, false); e != nil {
		l.Add(e)
	}
	if sub.Contact != "" && !phone(sub.Contact) {
		l.Add(errs.Field("contact", "review.submit.contact_invalid", "a phone number is 7 to 15 digits"))
	}
	if sub.Level.Bad() && sub.Comment == "" {
		l.Add(errs.Field("comment", "review.submit.comment_required", "tell us what went wrong, so that it can be put right"))
	}
	return l
}

func validSubitem(c Channel, k string) bool {
	for _, s := range Subitems(c) {
		if s == k {
			return true
		}
	}
	return false
}

func phone(s string) bool {
	if len(s) < 7 || len(s) > 15 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// hash is the salted hash of a reviewer's datum of kind, "" for none.
func hash(salt []byte, kind, v string) string {
	if v == "" {
		return ""
	}
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(kind + "\x00" + v))
	return hex.EncodeToString(m.Sum(nil))
}

// SettingSalt is the setting that keeps the salt of reviewers' hashes.
const SettingSalt = "review.salt"

// saltOf returns the salt of reviewers' hashes, making it on first use.
func (s *Service) saltOf(ctx context.Context, tx *db.Tx) ([]byte, error) {
	if p := s.salt.Load(); p != nil {
		return *p, nil
	}
	v, ok, err := db.Setting(ctx, tx, SettingSalt)
	if err != nil {
		return nil, err
	}
	if !ok {
		b := make([]byte, 32)
		rand.Read(b)
		v = hex.EncodeToString(b)
		if err := db.SetSetting(ctx, tx, SettingSalt, v); err != nil {
			return nil, err
		}
	}
	salt := []byte(v)
	s.salt.Store(&salt)
	return salt, nil
}

// caseOf is a case with what a review of it needs.
type caseOf struct {
	Case
	unitPath string
}

func findCase(ctx context.Context, tx *db.Tx, unit int64, number string) (*caseOf, error) {
	var c caseOf
	err := tx.QueryRowContext(ctx, `SELECT id, item_id, finished_on, channel FROM review_cases WHERE unit_id = $1 AND number = $2`,
		unit, number).Scan(&c.ID, &c.ItemID, &c.FinishedOn, &c.Channel)
	if errors.Is(err, sql.ErrNoRows) {
		e := errs.New(errs.NotFound, KeyCaseUnknown, "no case of this unit has number "+number)
		e.Field, e.Args = "number", map[string]any{"number": number}
		return nil, e
	}
	if err != nil {
		return nil, fmt.Errorf("read case: %w", err)
	}
	c.UnitID, c.Number = unit, number
	return &c, nil
}

func (s *Service) submit(ctx context.Context, tx *db.Tx, sub Submission) (*Receipt, error) {
	it, err := itemByID(ctx, tx, sub.ItemID)
	if err != nil {
		return nil, err
	}
	c, err := findCase(ctx, tx, it.UnitID, sub.Number)
	if err != nil {
		return nil, err
	}
	c.unitPath = it.unitPath
	if c.ItemID != it.ID {
		e := errs.New(errs.Conflict, KeyWrongItem, "case "+sub.Number+" is not of this service item")
		e.Field, e.Args = "number", map[string]any{"number": sub.Number}
		return nil, e
	}
	cfg, err := configFor(ctx, tx, it.unitPath)
	if err != nil {
		return nil, err
	}
	finished, _ := time.Parse(time.DateOnly, c.FinishedOn)
	last := finished.AddDate(0, 0, cfg.WindowDays)
	if today(tx.Now) > last.Format(time.DateOnly) {
		e := errs.New(errs.Conflict, KeyWindowClosed, fmt.Sprintf("case %s could be reviewed until %s", sub.Number, last.Format(time.DateOnly)))
		e.Args = map[string]any{"number": sub.Number, "last": last.Format(time.DateOnly), "days": cfg.WindowDays}
		return nil, e
	}
	kind := First
	kinds, err := reviewedKinds(ctx, tx, c.ID, sub.Channel)
	if err != nil {
		return nil, err
	}
	switch {
	case sub.FollowUp && kinds[Follow]:
		return nil, errs.New(errs.Conflict, KeyFollowedUp, "this case already has its one follow-up review")
	case sub.FollowUp && !kinds[First]:
		return nil, errs.New(errs.Conflict, KeyNoFirst, "a follow-up review follows a first review of the case")
	case sub.FollowUp:
		kind = Follow
	case kinds[First]:
		return nil, errs.New(errs.Conflict, KeyReviewed, "this case was already reviewed on this channel; one follow-up review is allowed")
	}
	r := &Review{ID: db.NewID(), CaseID: c.ID, UnitID: it.UnitID, ItemID: it.ID, Period: c.FinishedOn[:4], Channel: sub.Channel,
		Kind: kind, Level: sub.Level, Points: cfg.Points[sub.Level], Subitems: sub.Subitems, Comment: sub.Comment,
		Named: sub.Contact != "", ReviewedAt: tx.Now, Status: Counted}
	if cfg.KeepContact {
		r.Contact = sub.Contact
	}
	salt, err := s.saltOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	in := intake{contact: hash(salt, "contact", sub.Contact), device: hash(salt, "device", sub.Device), addr: hash(salt, "addr", sub.Addr)}
	r.Flags, err = checks(ctx, tx, r, &in, sub.Viewer, it.unitPath)
	if err != nil {
		return nil, err
	}
	if len(r.Flags) > 0 {
		r.Status = Held
	}
	if err := insertReview(ctx, tx, r, &in); err != nil {
		return nil, err
	}
	rec := &Receipt{ReviewID: r.ID, Held: r.Status == Held}
	if r.Level.Bad() {
		o, err := openOrder(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		rec.Order = o
	}
	return rec, nil
}

// intake is the hashed reviewer data of a review.
type intake struct{ contact, device, addr string }

// reviewedKinds returns the kinds of review case has on channel.
func reviewedKinds(ctx context.Context, tx *db.Tx, caseID int64, ch Channel) (map[Kind]bool, error) {
	out := map[Kind]bool{}
	err := db.EachRow(ctx, tx, `SELECT kind FROM reviews WHERE case_id = $1 AND channel = $2`, []any{caseID, string(ch)},
		func(scan func(...any) error) error {
			var k Kind
			if err := scan(&k); err != nil {
				return err
			}
			out[k] = true
			return nil
		})
	return out, err
}

// insertReview writes r.
func insertReview(ctx context.Context, tx *db.Tx, r *Review, in *intake) error {
	sub, err := json.Marshal(r.Subitems)
	if err != nil {
		return err
	}
	if r.Subitems == nil {
		sub = []byte("{}")
	}
	flags, err := json.Marshal(r.Flags)
	if err != nil {
		return err
	}
	if r.Flags == nil {
		flags = []byte("[]")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, case_id, unit_id, item_id, period, channel, kind, level, points, subitems,
		comment, is_default, named, contact, contact_hash, device_hash, addr_hash, status, flags, reviewed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
		r.ID, r.CaseID, r.UnitID, r.ItemID, r.Period, string(r.Channel), string(r.Kind), string(r.Level), r.Points, string(sub),
		r.Comment, boolInt(r.Default), boolInt(r.Named), r.Contact, in.contact, in.device, in.addr, string(r.Status), string(flags),
		r.ReviewedAt.UnixMicro()); err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unique") {
			return errs.New(errs.Conflict, KeyReviewed, "this case was already reviewed on this channel; one follow-up review is allowed")
		}
		return fmt.Errorf("insert review: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
