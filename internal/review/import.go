package review

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// ReviewIn is a review to import from a channel's own system (窗口评价器,
// 12345 热线, 短信): the case by number, the channel, the level by code or
// Chinese name, when it was given ('YYYY-MM-DD HH:MM' or a day) and an
// optional comment and contact. Row is the row of a file, or the position
// in a batch from 1.
type ReviewIn struct {
	Row                                         int
	Number, Channel, Level, ReviewedAt, Comment string
	Contact                                     string
}

// reviewColumns are the names a review file's header may give its columns.
var reviewColumns = map[string]string{
	"number": "number", "case_number": "number", "办件编号": "number",
	"channel": "channel", "评价渠道": "channel", "渠道": "channel",
	"level": "level", "评价等级": "level", "满意度": "level",
	"reviewed_at": "reviewed_at", "评价时间": "reviewed_at",
	"comment": "comment", "评价意见": "comment",
	"contact": "contact", "联系电话": "contact", "手机号码": "contact",
}

// ParseReviews reads a review file (CSV in UTF-8 or GBK, or .xlsx) with the
// columns 办件编号, 评价渠道, 评价等级, 评价时间 and optionally 评价意见 and
// 联系电话.
func ParseReviews(data []byte) ([]ReviewIn, error) {
	rows, err := readTable(data)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errs.New(errs.Invalid, "review.import.empty", "the file has no rows")
	}
	pos, err := header(rows[0], reviewColumns, []string{"number", "channel", "level", "reviewed_at"})
	if err != nil {
		return nil, err
	}
	out := make([]ReviewIn, 0, len(rows)-1)
	for i, r := range rows[1:] {
		if blank(r) {
			continue
		}
		out = append(out, ReviewIn{Row: i + 2, Number: cellOf(r, pos, "number"), Channel: cellOf(r, pos, "channel"),
			Level: cellOf(r, pos, "level"), ReviewedAt: cellOf(r, pos, "reviewed_at"), Comment: cellOf(r, pos, "comment"),
			Contact: cellOf(r, pos, "contact")})
	}
	if len(out) == 0 {
		return nil, errs.New(errs.Invalid, "review.import.empty", "the file has no rows")
	}
	return out, nil
}

// parseLevel reads a level by code or Chinese name.
func parseLevel(s string) (Level, bool) {
	if l := Level(s); l.Valid() {
		return l, true
	}
	for k, v := range levelLabels {
		if v == s {
			return k, true
		}
	}
	return "", false
}

// parseTime reads 'YYYY-MM-DD HH:MM[:SS]' or 'YYYY-MM-DD' in Beijing time.
func parseTime(s string) (time.Time, bool) {
	s = strings.ReplaceAll(s, "/", "-")
	for _, layout := range []string{time.DateTime, "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, collect.Beijing); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// today is the day of now in Beijing, 'YYYY-MM-DD': the day that case
// dates, review windows and work-order deadlines are compared with.
func today(now time.Time) string {
	return dayOf(now).Format(time.DateOnly)
}

// dayOf is the day of t in Beijing, as midnight UTC of that date, for
// day arithmetic that does not depend on the host's or t's zone.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(collect.Beijing).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ImportReviews adds reviews from a channel's system to unit id's cases,
// all or nothing: an unknown case, a case already reviewed on the channel
// (in the unit or earlier in the batch), a bad level, time or contact
// writes nothing, and every problem is returned with its row and field. A
// review given outside its case's window is kept but held, flagged; a 差评
// opens a work order dated the day it was given. The actor needs
// ActServiceWrite on the unit. It returns the number imported.
func (s *Service) ImportReviews(ctx context.Context, a *auth.Actor, unitID int64, in []ReviewIn, reason string) (*ImportReport, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, errs.New(errs.Invalid, "review.import.empty", "the file has no rows")
	}
	var rep ImportReport
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceWrite, unitID)
		if err != nil {
			return err
		}
		cfg, err := configFor(ctx, tx, u.Path)
		if err != nil {
			return err
		}
		cases := map[string]*Case{}
		err = db.EachRow(ctx, tx, `SELECT id, item_id, number, finished_on FROM review_cases WHERE unit_id = $1`, []any{unitID},
			func(scan func(...any) error) error {
				c := &Case{UnitID: unitID}
				if err := scan(&c.ID, &c.ItemID, &c.Number, &c.FinishedOn); err != nil {
					return err
				}
				cases[c.Number] = c
				return nil
			})
		if err != nil {
			return fmt.Errorf("read cases: %w", err)
		}
		type key struct {
			id int64
			ch Channel
		}
		taken := map[key]int{}
		err = db.EachRow(ctx, tx, `SELECT case_id, channel FROM reviews WHERE unit_id = $1 AND kind = 'first'`, []any{unitID},
			func(scan func(...any) error) error {
				var k key
				if err := scan(&k.id, &k.ch); err != nil {
					return err
				}
				taken[k] = -1
				return nil
			})
		if err != nil {
			return fmt.Errorf("read reviews: %w", err)
		}
		salt, err := s.saltOf(ctx, tx)
		if err != nil {
			return err
		}
		var l errs.List
		bad := func(row int, field, key, msg string, args map[string]any) {
			e := errs.Field(field, key, msg)
			e.Row, e.Args = row, args
			l.Add(e)
		}
		rs := make([]*Review, 0, len(in))
		ins := make([]intake, 0, len(in))
		for i, r := range in {
			row := r.Row
			if row == 0 {
				row = i + 1
			}
			c := cases[strings.TrimSpace(r.Number)]
			if c == nil {
				bad(row, "number", KeyCaseUnknown, "no case of this unit has number "+r.Number, map[string]any{"number": r.Number})
			}
			ch, okCh := parseChannel(r.Channel)
			if !okCh {
				bad(row, "channel", "review.case.channel_invalid", "the channel is not one of the national scheme's", map[string]any{"value": r.Channel})
			}
			lv, okLv := parseLevel(r.Level)
			if !okLv {
				bad(row, "level", "review.import.level_invalid", "the level is not one of the five", map[string]any{"value": r.Level})
			}
			at, okAt := parseTime(r.ReviewedAt)
			if !okAt {
				bad(row, "reviewed_at", "review.import.time_invalid", "the time is YYYY-MM-DD HH:MM", map[string]any{"value": r.ReviewedAt})
			}
			contact := strings.TrimSpace(r.Contact)
			if contact != "" && !phone(contact) {
				bad(row, "contact", "review.submit.contact_invalid", "a phone number is 7 to 15 digits", nil)
			}
			comment := strings.TrimSpace(r.Comment)
			if e := errs.CheckText("comment", "review.submit.comment", "comment", comment, 500, false); e != nil {
				e.Row = row
				l.Add(e)
			}
			if c == nil || !okCh || !okLv || !okAt {
				continue
			}
			k := key{c.ID, ch}
			switch first, ok := taken[k]; {
			case ok && first < 0:
				bad(row, "number", KeyReviewed, "this case was already reviewed on this channel", nil)
				continue
			case ok:
				bad(row, "number", "review.import.repeated", "the case and channel repeat an earlier row", map[string]any{"first": first})
				continue
			}
			taken[k] = row
			rv := &Review{ID: db.NewID(), CaseID: c.ID, UnitID: unitID, ItemID: c.ItemID, Period: c.FinishedOn[:4], Channel: ch, Kind: First,
				Level: lv, Points: cfg.Points[lv], Comment: comment, Named: contact != "", ReviewedAt: at, Status: Counted}
			if cfg.KeepContact {
				rv.Contact = contact
			}
			finished, _ := time.Parse(time.DateOnly, c.FinishedOn)
			if at.Before(finished) || at.After(finished.AddDate(0, 0, cfg.WindowDays+1)) {
				rv.Flags, rv.Status = []Flag{{Code: FlagWindow, Args: map[string]any{"days": cfg.WindowDays}}}, Held
			}
			rs = append(rs, rv)
			ins = append(ins, intake{contact: hash(salt, "contact", contact)})
		}
		if len(l) > 0 {
			return l
		}
		if err := insertReviews(ctx, tx, rs, ins); err != nil {
			return err
		}
		cal, err := calendar(ctx, tx)
		if err != nil {
			return err
		}
		for _, rv := range rs {
			if rv.Level.Bad() {
				if _, err := openOrderOn(ctx, tx, cal, rv, rv.ReviewedAt); err != nil {
					return err
				}
			}
		}
		rep.Added = len(rs)
		return auth.Record(ctx, tx, a, audit.Event{Action: "review.reviews.import", ObjectType: "unit", ObjectID: db.FormatID(unitID),
			UnitPath: u.Path, After: map[string]any{"reviews": len(rs)}, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}

// insertReviews writes reviews with multi-row INSERTs.
func insertReviews(ctx context.Context, tx *db.Tx, rs []*Review, ins []intake) error {
	const per, batch = 20, 50
	for start := 0; start < len(rs); start += batch {
		part := rs[start:min(start+batch, len(rs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO reviews (id, case_id, unit_id, item_id, period, channel, kind, level, points, subitems, comment, is_default,
			named, contact, contact_hash, device_hash, addr_hash, status, flags, reviewed_at) VALUES `)
		args := make([]any, 0, len(part)*per)
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for k := range per {
				if k > 0 {
					b.WriteString(", ")
				}
				placeholder(&b, tx.Engine, i*per+k+1)
			}
			b.WriteByte(')')
			flags := "[]"
			if len(r.Flags) > 0 {
				flags = fmt.Sprintf(`[{"code":%q,"args":{"days":%d}}]`, r.Flags[0].Code, r.Flags[0].Args["days"])
			}
			in := ins[start+i]
			args = append(args, r.ID, r.CaseID, r.UnitID, r.ItemID, r.Period, string(r.Channel), string(r.Kind), string(r.Level), r.Points, "{}",
				r.Comment, 0, boolInt(r.Named), r.Contact, in.contact, "", "", string(r.Status), flags, r.ReviewedAt.UnixMicro())
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert reviews: %w", err)
		}
	}
	return nil
}

// placeholder writes the n-th parameter of a long statement: '?' on SQLite,
// which looks a numbered one up by a linear search of the statement's
// names (quadratic in a multi-row INSERT), '$n' on PostgreSQL.
func placeholder(b *strings.Builder, e db.Engine, n int) {
	if e == db.SQLite {
		b.WriteByte('?')
		return
	}
	fmt.Fprintf(b, "$%d", n)
}
