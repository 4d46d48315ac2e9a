package outcome

import (
	"context"
	"fmt"

	"kaohe/internal/db"
	"kaohe/internal/org"
)

// AuditName is what the audit log calls an object of this package: a
// name and the id of the person (or handover) whose page shows it.
type AuditName struct {
	Name     string
	PersonID int64
}

// ProposalNames names the proposals of ids, inside tx, by cadre and
// rule ("王志林 · 连续三年优秀记三等功"). It checks no policy: the audit log
// shows an entry to those whose scope covers it.
func ProposalNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]AuditName, error) {
	return personNames(ctx, tx, `SELECT id, person_id, rule_name FROM outcome_proposals WHERE id IN (%s)`, ids)
}

// EntryNames names the reserve entries of ids by cadre.
func EntryNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]AuditName, error) {
	return personNames(ctx, tx, `SELECT id, person_id, '' FROM reserve_entries WHERE id IN (%s)`, ids)
}

// AdjustmentNames names the adjustments of ids by cadre.
func AdjustmentNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]AuditName, error) {
	return personNames(ctx, tx, `SELECT id, person_id, '' FROM adjustments WHERE id IN (%s)`, ids)
}

// HandoverNames names the handovers of ids by unit and post.
func HandoverNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]AuditName, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var args []any
	hs, err := queryHandovers(ctx, tx, `id IN (`+db.In(&args, ids)+`)`, args)
	if err != nil {
		return nil, err
	}
	out := map[int64]AuditName{}
	for _, h := range hs {
		out[h.ID] = AuditName{Name: h.Unit + h.Title + " · " + h.From + " → " + h.To}
	}
	return out, nil
}

// personNames reads id, person and a label with query (its %s the ids'
// placeholders) and names each by the person and the label.
func personNames(ctx context.Context, tx *db.Tx, query string, ids []int64) (map[int64]AuditName, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var args []any
	type row struct {
		person int64
		label  string
	}
	rows := map[int64]row{}
	var people []int64
	err := db.EachRow(ctx, tx, fmt.Sprintf(query, db.In(&args, ids)), args, func(scan func(...any) error) error {
		var id int64
		var r row
		if err := scan(&id, &r.person, &r.label); err != nil {
			return err
		}
		rows[id] = r
		people = append(people, r.person)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("name outcome objects: %w", err)
	}
	ps, err := org.PeopleByID(ctx, tx, people)
	if err != nil {
		return nil, err
	}
	out := map[int64]AuditName{}
	for id, r := range rows {
		n := AuditName{PersonID: r.person}
		if p := ps[r.person]; p != nil {
			n.Name = p.Name
		}
		if r.label != "" {
			n.Name += " · " + r.label
		}
		out[id] = n
	}
	return out, nil
}
