package finding

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"kaohe/internal/collect"
	"kaohe/internal/db"
)

// Record is a finding as a cycle reads it: once per entity it is about.
type Record struct {
	ID string
	// EntityID is the unit (subject "unit") or the person named (subject
	// "person") the record is of.
	EntityID                          int64
	Category, Severity, Status, Title string
	FoundOn                           string
}

// Records returns the findings dated within period — '2025' the year,
// '2025Q3' July to September, '2025-07' the month — once per entity of
// entityIDs they are about: for subject "unit" the finding's unit, for
// subject "person" each cadre it names. Only notified findings are
// listed: a finding counts once those it names have been told of it (and
// may apply for exemption), so that no explanation shows a finding its
// reader was never told of. Every status is listed (an exempted or voided
// finding counts nothing, but explanations list it), by entity, day and
// id. It reads inside the caller's transaction and checks no policy.
func Records(ctx context.Context, tx *db.Tx, subject, period string, entityIDs []int64) ([]Record, error) {
	from, to, err := periodDays(period)
	if err != nil {
		return nil, err
	}
	var q string
	switch subject {
	case "unit":
		q = `SELECT f.id, f.unit_id, f.category, f.severity, f.status, f.title, f.found_on FROM findings f
			WHERE f.notified_on <> '' AND f.found_on >= $1 AND f.found_on <= $2 AND f.unit_id IN (%s)`
	case "person":
		q = `SELECT f.id, p.person_id, f.category, f.severity, f.status, f.title, f.found_on FROM findings f
			JOIN finding_people p ON p.finding_id = f.id WHERE f.notified_on <> '' AND f.found_on >= $1 AND f.found_on <= $2 AND p.person_id IN (%s)`
	default:
		return nil, fmt.Errorf("findings: no subject %q (unit or person)", subject)
	}
	var out []Record
	for start := 0; start < len(entityIDs); start += 500 {
		args := []any{from, to}
		err := db.EachRow(ctx, tx, fmt.Sprintf(q, db.In(&args, entityIDs[start:min(start+500, len(entityIDs))])), args,
			func(scan func(...any) error) error {
				var r Record
				var id int64
				if err := scan(&id, &r.EntityID, &r.Category, &r.Severity, &r.Status, &r.Title, &r.FoundOn); err != nil {
					return err
				}
				r.ID = db.FormatID(id)
				out = append(out, r)
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("read findings of %s: %w", period, err)
		}
	}
	slices.SortFunc(out, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.EntityID, b.EntityID), cmp.Compare(a.FoundOn, b.FoundOn), cmp.Compare(len(a.ID), len(b.ID)),
			cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// periodDays returns the first day of a period and a bound for its last:
// the 31st of its last month, which every day of that month is at most
// as text.
func periodDays(period string) (from, to string, err error) {
	bad := fmt.Errorf("findings: period %q is not a year (2025), a quarter (2025Q3) or a month (2025-07)", period)
	if collect.FrequencyOf(period) == "" {
		return "", "", bad
	}
	year := period[:4]
	switch collect.FrequencyOf(period) {
	case collect.Annual:
		return year + "-01-01", year + "-12-31", nil
	case collect.Quarterly:
		q, _ := strconv.Atoi(period[5:])
		first, last := (q-1)*3+1, q*3
		return fmt.Sprintf("%s-%02d-01", year, first), fmt.Sprintf("%s-%02d-31", year, last), nil
	default:
		return period + "-01", period + "-31", nil
	}
}
