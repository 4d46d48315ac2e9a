package review

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Case is a 办件: a service item handled for an applicant and finished on
// a day, the object of reviews.
type Case struct {
	ID     int64
	UnitID int64
	ItemID int64
	// Item is the item's name (loaded).
	Item string
	// Number is the case number of the government-service system, unique
	// in the unit.
	Number string
	// FinishedOn is the day the case was finished, 'YYYY-MM-DD'.
	FinishedOn string
	Channel    Channel
}

// CaseIn is a case to import: Item is the service item's code in the unit;
// Channel a code or its Chinese name. Row is the row of a file, or the
// position in a batch from 1.
type CaseIn struct {
	Row                               int
	Number, Item, FinishedOn, Channel string
}

// caseColumns are the names a case file's header may give its columns.
var caseColumns = map[string]string{
	"number": "number", "case_number": "number", "办件编号": "number", "办件号": "number", "受理编号": "number",
	"item": "item", "item_code": "item", "事项编码": "item", "事项代码": "item",
	"finished_on": "finished_on", "办结日期": "finished_on", "办结时间": "finished_on",
	"channel": "channel", "办理渠道": "channel", "渠道": "channel",
}

// ParseCases reads a case file (CSV in UTF-8 or GBK, or .xlsx) with the
// columns 办件编号, 事项编码, 办结日期 and 办理渠道 (or number, item,
// finished_on, channel).
func ParseCases(data []byte) ([]CaseIn, error) {
	rows, err := readTable(data)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errs.New(errs.Invalid, "review.import.empty", "the file has no rows")
	}
	pos, err := header(rows[0], caseColumns, []string{"number", "item", "finished_on", "channel"})
	if err != nil {
		return nil, err
	}
	var out []CaseIn
	for i, r := range rows[1:] {
		if blank(r) {
			continue
		}
		out = append(out, CaseIn{Row: i + 2, Number: cellOf(r, pos, "number"), Item: cellOf(r, pos, "item"),
			FinishedOn: cellOf(r, pos, "finished_on"), Channel: cellOf(r, pos, "channel")})
	}
	if len(out) == 0 {
		return nil, errs.New(errs.Invalid, "review.import.empty", "the file has no rows")
	}
	return out, nil
}

// parseChannel reads a channel by code or Chinese name.
func parseChannel(s string) (Channel, bool) {
	c := Channel(strings.ToLower(s))
	if c.Valid() {
		return c, true
	}
	for k, l := range channelLabels {
		if s == l {
			return k, true
		}
	}
	if s == "12345" || s == "热线" {
		return ChannelHotline, true
	}
	return "", false
}

// parseDay reads 'YYYY-MM-DD', also 'YYYY/MM/DD' and a time after it.
func parseDay(s string) (string, bool) {
	s = strings.ReplaceAll(s, "/", "-")
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// ImportReport says what an import wrote.
type ImportReport struct {
	Added int
}

// ImportCases adds cases to unit id, all or nothing: one bad row — an
// unknown item, a bad day or channel, a number already in the unit or
// twice in the batch — writes nothing and every problem is returned with
// its row and field. The actor needs ActServiceWrite on the unit. reason
// names the source ("办件导入 2025-07.csv", "API").
func (s *Service) ImportCases(ctx context.Context, a *auth.Actor, unitID int64, in []CaseIn, reason string) (*ImportReport, error) {
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
		items := map[string]int64{}
		err = db.EachRow(ctx, tx, `SELECT code, id FROM service_items WHERE unit_id = $1`, []any{unitID}, func(scan func(...any) error) error {
			var code string
			var id int64
			if err := scan(&code, &id); err != nil {
				return err
			}
			items[code] = id
			return nil
		})
		if err != nil {
			return err
		}
		numbers := map[string]int{}
		for _, c := range in {
			numbers[c.Number] = 0
		}
		existing, err := caseNumbers(ctx, tx, unitID, keys(numbers))
		if err != nil {
			return err
		}
		var l errs.List
		bad := func(row int, field, key, msg string, args map[string]any) {
			e := errs.Field(field, key, msg)
			e.Row, e.Args = row, args
			l.Add(e)
		}
		cases := make([]Case, 0, len(in))
		for i, c := range in {
			row := c.Row
			if row == 0 {
				row = i + 1
			}
			cs := Case{ID: db.NewID(), UnitID: unitID, Number: strings.TrimSpace(c.Number)}
			switch {
			case cs.Number == "" || len(cs.Number) > 64:
				bad(row, "number", "review.case.number_invalid", "the case number is 1 to 64 characters", nil)
			case existing[cs.Number]:
				bad(row, "number", "review.case.number_taken", "the unit already has case "+cs.Number, map[string]any{"number": cs.Number})
			case numbers[cs.Number] > 0:
				bad(row, "number", "review.case.number_repeated", "case "+cs.Number+" is on an earlier row",
					map[string]any{"number": cs.Number, "first": numbers[cs.Number]})
			default:
				numbers[cs.Number] = row
			}
			var ok bool
			if cs.ItemID, ok = items[strings.TrimSpace(c.Item)]; !ok {
				bad(row, "item", "review.case.item_unknown", "the unit has no service item "+c.Item, map[string]any{"item": c.Item})
			}
			if cs.FinishedOn, ok = parseDay(c.FinishedOn); !ok {
				bad(row, "finished_on", "review.case.day_invalid", "the day finished is YYYY-MM-DD", map[string]any{"value": c.FinishedOn})
			} else if cs.FinishedOn > today(tx.Now) {
				bad(row, "finished_on", "review.case.day_future", "the day finished is in the future", map[string]any{"value": c.FinishedOn})
			}
			if cs.Channel, ok = parseChannel(c.Channel); !ok {
				bad(row, "channel", "review.case.channel_invalid", "the channel is not one of the national scheme's",
					map[string]any{"value": c.Channel})
			}
			cases = append(cases, cs)
		}
		if len(l) > 0 {
			return l
		}
		if err := insertCases(ctx, tx, cases); err != nil {
			return err
		}
		rep.Added = len(cases)
		return auth.Record(ctx, tx, a, audit.Event{Action: "review.cases.import", ObjectType: "unit", ObjectID: db.FormatID(unitID),
			UnitPath: u.Path, After: map[string]any{"cases": len(cases)}, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}

func keys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// caseNumbers returns which of numbers unit already has.
func caseNumbers(ctx context.Context, tx *db.Tx, unit int64, numbers []string) (map[string]bool, error) {
	out := map[string]bool{}
	const chunk = 500
	for start := 0; start < len(numbers); start += chunk {
		args := []any{unit}
		q := `SELECT number FROM review_cases WHERE unit_id = $1 AND number IN (` + db.In(&args, numbers[start:min(start+chunk, len(numbers))]) + `)`
		err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			var n string
			if err := scan(&n); err != nil {
				return err
			}
			out[n] = true
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read case numbers: %w", err)
		}
	}
	return out, nil
}

// insertCases writes cases with multi-row INSERTs.
func insertCases(ctx context.Context, tx *db.Tx, cases []Case) error {
	const per, batch = 7, 100
	for start := 0; start < len(cases); start += batch {
		part := cases[start:min(start+batch, len(cases))]
		var b strings.Builder
		b.WriteString(`INSERT INTO review_cases (id, unit_id, item_id, number, finished_on, channel, created_at) VALUES `)
		args := make([]any, 0, len(part)*per)
		for i, c := range part {
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
			args = append(args, c.ID, c.UnitID, c.ItemID, c.Number, c.FinishedOn, string(c.Channel), tx.Now.UnixMicro())
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert cases: %w", err)
		}
	}
	return nil
}
