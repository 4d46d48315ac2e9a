package cycle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// The functions of this file are how other packages read the tables cycle
// owns, in the caller's transaction: the assessment team's field work
// follows a cycle's entities. They check no policy; the caller authorizes
// its own action.

// Get returns cycle id with its parts and owner's name; NotFound when
// there is none.
func Get(ctx context.Context, tx *db.Tx, id int64) (*Cycle, error) { return getCycle(ctx, tx, id) }

// EntitiesOf returns the entities cycle id assesses, in engine order.
func EntitiesOf(ctx context.Context, tx *db.Tx, id int64) ([]Entity, error) {
	return entities(ctx, tx, id)
}

// EntityOf returns the entity of cycle id with the engine ID key;
// NotFound when the cycle does not assess it.
func EntityOf(ctx context.Context, tx *db.Tx, id int64, key string) (*Entity, error) {
	var e Entity
	err := tx.QueryRowContext(ctx, `SELECT entity, unit_id, person_id, unit_path, grp, name, sanction
		FROM cycle_entities WHERE cycle_id = $1 AND entity = $2`, id, key).
		Scan(&e.ID, &e.UnitID, &e.PersonID, &e.UnitPath, &e.Group, &e.Name, &e.Sanction)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("entity")
	}
	if err != nil {
		return nil, fmt.Errorf("read cycle entity: %w", err)
	}
	return &e, nil
}

// InStages lists the cycles in one of stages whose owner unit lies in sc,
// newest period first, without their parts.
func InStages(ctx context.Context, tx *db.Tx, sc auth.Scope, stages []Stage) ([]*Cycle, error) {
	if len(stages) == 0 {
		return nil, nil
	}
	var args []any
	q := `SELECT ` + cycleCols + cycleFrom + ` WHERE ` + sc.SQL("c.owner_path", &args) +
		` AND c.stage IN (` + db.In(&args, stages) + `) ORDER BY c.period DESC, c.code`
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list cycles: %w", err)
	}
	defer rows.Close()
	var out []*Cycle
	for rows.Next() {
		c, err := scanCycle(rows)
		if err != nil {
			return nil, fmt.Errorf("list cycles: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, ownerNames(ctx, tx, out)
}
