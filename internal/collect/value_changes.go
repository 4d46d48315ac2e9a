package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/org"
)

// ValueActions are the audit actions of a batch of values: submitted,
// corrected, or published by a system source.
var ValueActions = []string{"value.submit", "value.correct", "value.publish"}

// ValueChange is what a batch changed of one item within a subtree.
type ValueChange struct {
	Item *Item
	// Periods are the periods it changed, sorted.
	Periods []string
	// Units is the number of units of the subtree whose value it changed.
	Units int
}

// ValueChangesOf reads, within tx, what the batch that audit entry e
// records changed of items among the units under region (a unit path):
// one change per item with a value changed there, none when e is no
// batch. The webhooks of sharing tokens tell of them.
func ValueChangesOf(ctx context.Context, tx *db.Tx, e audit.Entry, region string, items []string) ([]ValueChange, error) {
	if !slices.Contains(ValueActions, e.Action) || e.After == "" {
		return nil, nil
	}
	// The batch names its items and periods; its values bear its time.
	var after struct {
		Items   []string `json:"items"`
		Periods []string `json:"periods"`
	}
	if err := json.Unmarshal([]byte(e.After), &after); err != nil {
		return nil, fmt.Errorf("read audit entry %d: %w", e.Seq, err)
	}
	// The entry's path is the items' owners', not the units': the
	// values themselves say where they changed.
	if len(after.Periods) == 0 {
		return nil, nil
	}
	var out []ValueChange
	for _, code := range after.Items {
		if !slices.Contains(items, code) {
			continue
		}
		args := []any{code, e.At.UnixMicro()}
		per := map[int64][]string{}
		err := db.EachRow(ctx, tx, `SELECT entity_id, period FROM data_values WHERE item_code = $1 AND created_at = $2
			AND entity_kind = 'unit' AND period IN (`+db.In(&args, after.Periods)+`)`, args, func(scan func(...any) error) error {
			var id int64
			var p string
			if err := scan(&id, &p); err != nil {
				return err
			}
			per[id] = append(per[id], p)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("values of batch %s: %w", e.ObjectID, err)
		}
		if len(per) == 0 {
			continue
		}
		ids := make([]int64, 0, len(per))
		for id := range per {
			ids = append(ids, id)
		}
		us, err := org.UnitsByID(ctx, tx, ids)
		if err != nil {
			return nil, err
		}
		ch := ValueChange{}
		for id, ps := range per {
			if u := us[id]; u != nil && strings.HasPrefix(u.Path, region) {
				ch.Units++
				ch.Periods = append(ch.Periods, ps...)
			}
		}
		if ch.Units == 0 {
			continue
		}
		slices.Sort(ch.Periods)
		ch.Periods = slices.Compact(ch.Periods)
		if ch.Item, err = getItem(ctx, tx, code); err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, nil
}
