package collect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"kaohe/internal/org"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Beijing is the time zone deadlines are kept in: a deadline passes at
// midnight in China, not in UTC.
var Beijing = time.FixedZone("CST", 8*3600)

// SetDeadline sets the date ('YYYY-MM-DD') by which the values of item for
// period are due; "" removes it. The actor needs ActItemWrite on the
// item's owner: the office that set up the item sets its deadlines.
func (s *Service) SetDeadline(ctx context.Context, a *auth.Actor, item, period, due string) error {
	if err := signedIn(a); err != nil {
		return err
	}
	if due != "" {
		if t, err := time.Parse(time.DateOnly, due); err != nil || t.Format(time.DateOnly) != due {
			return errs.Field("due", "collect.deadline.date_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", due))
		}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		it, err := getItem(ctx, tx, item)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActItemWrite, it.OwnerPath); err != nil {
			return err
		}
		if !ValidPeriod(it.Frequency, period) {
			return errs.Field("period", "collect.row.period_invalid", fmt.Sprintf("period %q is not a period of frequency %s", period, it.Frequency))
		}
		var before string
		err = tx.QueryRowContext(ctx, `SELECT due_date FROM collect_deadlines WHERE item_code = $1 AND period = $2`, item, period).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read deadline: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM collect_deadlines WHERE item_code = $1 AND period = $2`, item, period); err != nil {
			return fmt.Errorf("set deadline: %w", err)
		}
		if due != "" {
			now := tx.Now.UnixMicro()
			if _, err := tx.ExecContext(ctx, `INSERT INTO collect_deadlines (item_code, period, due_date, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5)`, item, period, due, now, now); err != nil {
				return fmt.Errorf("set deadline: %w", err)
			}
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "deadline.set", ObjectType: "data_item", ObjectID: item,
			UnitPath: it.OwnerPath, Before: map[string]any{"period": period, "due": before},
			After: map[string]any{"period": period, "due": due}})
	})
}

// ItemStatus is the collection progress of one item for a period.
type ItemStatus struct {
	Item *Item
	// Due is the deadline, "" for none; Overdue is true when it has passed
	// with values missing.
	Due     string
	Overdue bool
	// Expected counts the entities the item is collected for in the
	// region; Submitted those with a current value, of which Flagged are
	// far from the previous period, Returned sent back and Verified checked;
	// Unreviewed are the flagged values neither verified nor returned yet.
	Expected, Submitted, Flagged, Returned, Verified, Unreviewed int
	// Missing names the first MaxMissing entities without a value.
	Missing []string
}

// Percent is the share of expected values submitted, 0 to 100.
func (s *ItemStatus) Percent() float64 {
	if s.Expected == 0 {
		return 100
	}
	return 100 * float64(s.Submitted) / float64(s.Expected)
}

// DepartmentStatus sums the items of one provider department.
type DepartmentStatus struct {
	ID                  int64
	Code, Name          string
	Items               []*ItemStatus
	Expected, Submitted int
	Overdue             bool
	// Contacts are the names of the provider accounts that can submit
	// its items.
	Contacts []string
}

// Percent is the share of expected values submitted, 0 to 100.
func (d *DepartmentStatus) Percent() float64 {
	if d.Expected == 0 {
		return 100
	}
	return 100 * float64(d.Submitted) / float64(d.Expected)
}

// CollectionStatus is the progress of collection in a region for a period.
type CollectionStatus struct {
	Period      string
	Region      string // the region's name
	Today       string
	Departments []*DepartmentStatus
}

// MaxMissing is how many missing entities a status names per item.
const MaxMissing = 30

// Status returns the collection progress for period in the region
// regionID: each item collected there of the period's frequency, with its
// owner, deadline, completeness and missing entities. The actor needs
// ActCollectStatus on the region.
func (s *Service) Status(ctx context.Context, a *auth.Actor, regionID int64, period string) (*CollectionStatus, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	freq := FrequencyOf(period)
	if freq == "" {
		return nil, errs.Field("period", "collect.grid.period_invalid", fmt.Sprintf("%q is not a period such as 2025, 2025Q3 or 2025-07", period))
	}
	out := &CollectionStatus{Period: period}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		ru, err := unitOf(ctx, tx, regionID, "unit")
		if err != nil {
			return err
		}
		region := ru.Path
		out.Region = ru.Name
		if err := s.pol.Authorize(a, auth.ActCollectStatus, region); err != nil {
			return err
		}
		out.Today = tx.Now.In(Beijing).Format(time.DateOnly)
		items, err := queryItems(ctx, tx, `WHERE i.frequency = $1`, string(freq))
		if err != nil {
			return err
		}
		sortByOwner(items)
		byOwner := map[int64]*DepartmentStatus{}
		for _, it := range items {
			scope := overlap(region, it.ScopePath)
			if scope == "" {
				continue
			}
			st, err := itemStatus(ctx, tx, it, period, scope, out.Today, true)
			if err != nil {
				return err
			}
			d := byOwner[it.OwnerID]
			if d == nil {
				d = &DepartmentStatus{ID: it.OwnerID, Code: it.OwnerCode, Name: it.OwnerName}
				byOwner[it.OwnerID] = d
				out.Departments = append(out.Departments, d)
			}
			d.Items = append(d.Items, st)
			d.Expected += st.Expected
			d.Submitted += st.Submitted
			d.Overdue = d.Overdue || st.Overdue
		}
		return contacts(ctx, tx, out.Departments)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// overlap returns the path of the subtree in both the region and the
// item's scope (the owner's jurisdiction), "" when they do not meet.
func overlap(region, scope string) string {
	switch {
	case strings.HasPrefix(scope, region):
		return scope
	case strings.HasPrefix(region, scope):
		return region
	}
	return ""
}

// itemStatus counts the values of it for period in the subtree at scope,
// naming the first entities without one when names is set (the status
// page lists them; a task list needs only the counts).
func itemStatus(ctx context.Context, tx *db.Tx, it *Item, period, scope, today string, names bool) (*ItemStatus, error) {
	st := &ItemStatus{Item: it}
	err := tx.QueryRowContext(ctx, `SELECT due_date FROM collect_deadlines WHERE item_code = $1 AND period = $2`, it.Code, period).Scan(&st.Due)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read deadline: %w", err)
	}
	// The entities the item is collected for, selected by org; values
	// are matched to them by id.
	hasValue := func(col string, args *[]any) string {
		return col + ` IN (SELECT v.entity_id FROM data_values v WHERE v.item_code = ` + db.Arg(args, it.Code) +
			` AND v.period = ` + db.Arg(args, period) + ` AND v.is_current)`
	}
	lacksValue := func(col string, args *[]any) string { return "NOT " + hasValue(col, args) }
	units := org.UnitQuery{Under: scope, Kind: it.UnitKind, Level: it.UnitLevel}
	people := org.PeopleQuery{Under: scope}
	var args []any
	var ents string
	if it.EntityKind == EntityPerson {
		st.Expected, err = org.CountPeople(ctx, tx, people)
		ents = org.PeopleQuerySQL("v.entity_id", people, &args)
	} else {
		st.Expected, err = org.CountMatchingUnits(ctx, tx, units)
		ents = org.UnitQuerySQL("v.entity_id", units, &args)
	}
	if err != nil {
		return nil, err
	}
	var flagged, returned, verified, unreviewed sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT count(*),
		SUM(CASE WHEN v.flagged THEN 1 ELSE 0 END),
		SUM(CASE WHEN v.status = 'returned' THEN 1 ELSE 0 END),
		SUM(CASE WHEN v.status = 'verified' THEN 1 ELSE 0 END),
		SUM(CASE WHEN v.flagged AND v.status = 'submitted' THEN 1 ELSE 0 END)
		FROM data_values v WHERE `+ents+` AND v.item_code = `+db.Arg(&args, it.Code)+` AND v.period = `+db.Arg(&args, period)+
		` AND v.is_current`, args...).Scan(&st.Submitted, &flagged, &returned, &verified, &unreviewed)
	if err != nil {
		return nil, fmt.Errorf("count values of %s: %w", it.Code, err)
	}
	st.Flagged, st.Returned, st.Verified, st.Unreviewed = int(flagged.Int64), int(returned.Int64), int(verified.Int64), int(unreviewed.Int64)
	if st.Submitted < st.Expected {
		st.Overdue = st.Due != "" && today > st.Due
	}
	if st.Submitted < st.Expected && names {
		if it.EntityKind == EntityPerson {
			people.Matching, people.Limit = lacksValue, MaxMissing
			ps, err := org.ListPeople(ctx, tx, people)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				st.Missing = append(st.Missing, p.Name)
			}
		} else {
			units.Matching, units.Limit = lacksValue, MaxMissing
			us, err := org.ListUnits(ctx, tx, units)
			if err != nil {
				return nil, err
			}
			for _, u := range us {
				st.Missing = append(st.Missing, u.Name)
			}
		}
	}
	return st, nil
}

// contacts fills the provider accounts that can submit each department's
// items — those granted the provider role on the department or a region
// above it — by their names, each once: a login is not for a page.
func contacts(ctx context.Context, tx *db.Tx, ds []*DepartmentStatus) error {
	if len(ds) == 0 {
		return nil
	}
	grants, err := auth.GrantsOf(ctx, tx, auth.RoleProvider)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(grants)+len(ds))
	for _, g := range grants {
		ids = append(ids, g.UnitID)
	}
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	us, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, d := range ds {
		path := us[d.ID].Path
		for _, g := range grants {
			if u := us[g.UnitID]; u != nil && strings.HasPrefix(path, u.Path) && !slices.Contains(d.Contacts, g.Name) {
				d.Contacts = append(d.Contacts, g.Name)
			}
		}
	}
	return nil
}

// Reminder is a line of the reminder list: a department with values
// missing for an item.
type Reminder struct {
	Department string
	Contacts   string
	Item       *Item
	Due        string
	Overdue    bool
	Missing    int
	Entities   string
}

// Reminders lists, from a status, every department and item with values
// missing, overdue ones first.
func (c *CollectionStatus) Reminders() []Reminder {
	var out, later []Reminder
	for _, d := range c.Departments {
		for _, st := range d.Items {
			if st.Submitted >= st.Expected {
				continue
			}
			r := Reminder{Department: d.Name, Contacts: strings.Join(d.Contacts, "、"), Item: st.Item, Due: st.Due,
				Overdue: st.Overdue, Missing: st.Expected - st.Submitted, Entities: strings.Join(st.Missing, "、")}
			if st.Expected-st.Submitted > len(st.Missing) {
				r.Entities += "……"
			}
			if r.Overdue {
				out = append(out, r)
			} else {
				later = append(later, r)
			}
		}
	}
	return append(out, later...)
}

// WriteReminders writes the reminder list as an Excel workbook.
func WriteReminders(w io.Writer, c *CollectionStatus) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "催报清单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 8, 18); err != nil {
		return err
	}
	head := []any{"报送单位", "联系人", "数据项代码", "数据项", "截止日期", "是否逾期", "缺报数", "缺报对象"}
	if err := sw.SetRow("A1", []any{c.Region + " " + c.Period + " 数据催报清单（" + c.Today + "）"}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", head); err != nil {
		return err
	}
	for i, r := range c.Reminders() {
		over := "否"
		if r.Overdue {
			over = "是"
		}
		row := []any{r.Department, r.Contacts, r.Item.Code, r.Item.Name, r.Due, over, r.Missing, r.Entities}
		if err := sw.SetRow("A"+strconv.Itoa(i+3), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
