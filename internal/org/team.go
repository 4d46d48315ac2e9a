package org

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Team is a unit's leadership team (领导班子): the people holding the
// unit's posts marked Team on a day.
type Team struct {
	Unit *Unit
	// On is the day the team is taken at, "" for today's holders.
	On      string
	Members []*Member
}

// Member is a member of a team: the person and the post that makes them one.
type Member struct {
	Person *Person
	Post   *Post
}

// Team returns the leadership team of unit id on day on ('YYYY-MM-DD'),
// or of the posts held now when on is "", in protocol order. The actor
// needs ActTeamRead on the unit.
func (s *Service) Team(ctx context.Context, a *auth.Actor, id int64, on string) (*Team, error) {
	if on != "" && !validDate(on) {
		return nil, errs.Field("on", "org.team.on_invalid", "the day is not a date YYYY-MM-DD")
	}
	var out *Team
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.authorizedUnit(ctx, tx, a, auth.ActTeamRead, id)
		if err != nil {
			return err
		}
		t := &Team{Unit: u, On: on}
		args := []any{id}
		when := `po.end_date IS NULL`
		if on != "" {
			when = `po.start_date <= $2 AND (po.end_date IS NULL OR po.end_date > $2)`
			args = append(args, on)
		}
		// The post's unit is pu here; u is the unit the person is placed in,
		// as personCols expects.
		rows, err := tx.QueryContext(ctx, `SELECT `+postColumns("pu")+`, `+personCols+`
			FROM posts po JOIN units pu ON pu.id = po.unit_id JOIN people p ON p.id = po.person_id
			JOIN units u ON u.id = p.unit_id
			WHERE po.unit_id = $1 AND po.team AND `+when+`
			ORDER BY po.sort_order, po.start_date, po.id`, args...)
		if err != nil {
			return fmt.Errorf("list team of unit %d: %w", id, err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				p                Person
				created, updated int64
			)
			po, err := scanPost(rows, &p.ID, &p.Name, &p.Gender, &p.BirthDate, &p.Ethnicity, &p.Party, &p.Education,
				&p.UnitID, &p.UnitName, &created, &updated)
			if err != nil {
				return fmt.Errorf("list team of unit %d: %w", id, err)
			}
			p.CreatedAt, p.UpdatedAt = db.Micros(created), db.Micros(updated)
			t.Members = append(t.Members, &Member{Person: &p, Post: po})
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list team of unit %d: %w", id, err)
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
