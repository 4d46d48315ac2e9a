package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Rank is the grade of a post (职务层次/职级). The interface shows the
// Chinese names.
type Rank string

// The ranks, from the highest.
const (
	RankProvincial     Rank = "provincial"      // 正省部级
	RankViceProvincial Rank = "vice_provincial" // 副省部级
	RankBureau         Rank = "bureau"          // 正厅局级
	RankViceBureau     Rank = "vice_bureau"     // 副厅局级
	RankDivision       Rank = "division"        // 正县处级 (正处级)
	RankViceDivision   Rank = "vice_division"   // 副县处级 (副处级)
	RankSection        Rank = "section"         // 正乡科级 (正科级)
	RankViceSection    Rank = "vice_section"    // 副乡科级 (副科级)
)

// Ranks lists the ranks from the highest.
var Ranks = []Rank{RankProvincial, RankViceProvincial, RankBureau, RankViceBureau,
	RankDivision, RankViceDivision, RankSection, RankViceSection}

// Valid reports whether r is a known rank.
func (r Rank) Valid() bool { return slices.Contains(Ranks, r) }

// Post is a position a person holds or held in a unit (职务). A person's
// posts are their history: a new primary post ends the posts held before.
type Post struct {
	ID       int64
	PersonID int64
	UnitID   int64
	// UnitName and UnitPath describe UnitID, filled on reads.
	UnitName string
	UnitPath string
	// Title is the post's name, e.g. 县委书记, 副县长, 局长.
	Title string
	Rank  Rank
	// Team marks membership of the unit's leadership team (领导班子).
	Team bool
	// Sort is the post's place in the unit's protocol order (排序),
	// smallest first.
	Sort int
	// Concurrent marks a post held beside the primary one (兼任); it ends
	// no other post and does not move the person.
	Concurrent bool
	// Start is the first day, 'YYYY-MM-DD'.
	Start string
	// End is the day the post ended, "" while it is held.
	End       string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the post's fields.
func (p *Post) Validate() error {
	if p.PersonID == 0 {
		return errs.Field("person_id", "org.post.person_required", "person is required")
	}
	if p.UnitID == 0 {
		return errs.Field("unit_id", "org.post.unit_required", "unit is required")
	}
	if e := errs.CheckText("title", "org.post.title", "title", p.Title, 64, true); e != nil {
		return e
	}
	if !p.Rank.Valid() {
		return errs.Field("rank", "org.post.rank_invalid", fmt.Sprintf("rank %q is not a known rank", p.Rank))
	}
	if p.Sort < 0 {
		return errs.Field("sort", "org.post.sort_negative", "sort order is negative")
	}
	if !validDate(p.Start) {
		return errs.Field("start", "org.post.start_invalid", "start is not a date YYYY-MM-DD")
	}
	if p.End != "" {
		if !validDate(p.End) {
			return errs.Field("end", "org.post.end_invalid", "end is not a date YYYY-MM-DD")
		}
		if p.End < p.Start {
			return errs.Field("end", "org.post.end_before_start", "end is before start")
		}
	}
	return nil
}

func (p *Post) summary() map[string]any {
	m := map[string]any{
		"person_id": p.PersonID, "unit_id": p.UnitID, "title": p.Title, "rank": p.Rank,
		"team": p.Team, "sort": p.Sort, "concurrent": p.Concurrent, "start": p.Start,
	}
	if p.End != "" {
		m["end"] = p.End
	}
	return m
}

// postCols lists the columns scanPost reads, of posts po and their unit u.
var postCols = postColumns("u")

// postColumns is postCols with the post's unit aliased unit.
func postColumns(unit string) string {
	return `po.id, po.person_id, po.unit_id, ` + unit + `.name, ` + unit + `.path, po.title, po.rank, po.team,
	po.sort_order, po.concurrent, po.start_date, po.end_date, po.created_at, po.updated_at`
}

func scanPost(s interface{ Scan(...any) error }, extra ...any) (*Post, error) {
	var (
		p                Post
		end              sql.NullString
		created, updated int64
	)
	dest := append([]any{&p.ID, &p.PersonID, &p.UnitID, &p.UnitName, &p.UnitPath, &p.Title, &p.Rank, &p.Team,
		&p.Sort, &p.Concurrent, &p.Start, &end, &created, &updated}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	p.End = end.String
	p.CreatedAt, p.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &p, nil
}

// queryPosts selects the posts of posts po JOIN units u that tail (WHERE,
// ORDER BY…) picks.
func queryPosts(ctx context.Context, tx *db.Tx, tail string, args ...any) ([]*Post, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+postCols+` FROM posts po JOIN units u ON u.id = po.unit_id `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	defer rows.Close()
	var out []*Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("list posts: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	return out, nil
}

// getPost reads a post; NotFound when there is none.
func getPost(ctx context.Context, tx *db.Tx, id int64) (*Post, error) {
	p, err := scanPost(tx.QueryRowContext(ctx, `SELECT `+postCols+` FROM posts po JOIN units u ON u.id = po.unit_id
		WHERE po.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("post")
	}
	if err != nil {
		return nil, fmt.Errorf("read post %d: %w", id, err)
	}
	return p, nil
}

func auditPost(action string, p *Post, before, after any, reason string) audit.Event {
	return audit.Event{Action: action, ObjectType: "post", ObjectID: db.FormatID(p.ID), UnitPath: p.UnitPath,
		Before: before, After: after, Reason: reason}
}

// AssignPost gives person p.PersonID the post p. A primary post held from
// now on (no End, not Concurrent) ends every post the person holds on its
// Start day and places the person in p.UnitID; it may not start before a
// post it ends. A post with an End records past history and changes
// nothing else. The actor needs ActPersonWrite on the post's unit and on
// the person.
func (s *Service) AssignPost(ctx context.Context, a *auth.Actor, p Post) (*Post, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		person, err := getPerson(ctx, tx, p.PersonID)
		if err != nil {
			return err
		}
		u, err := getUnit(ctx, tx, p.UnitID)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActPersonWrite, u.Path); err != nil {
			return err
		}
		if err := s.authorizePerson(ctx, tx, a, auth.ActPersonWrite, person.ID); err != nil {
			return err
		}
		p.UnitName, p.UnitPath = u.Name, u.Path
		var ended []int64
		if p.End == "" && !p.Concurrent {
			if ended, err = endOpenPosts(ctx, tx, person.ID, p.Start); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE people SET unit_id = $1, updated_at = $2 WHERE id = $3`,
				p.UnitID, tx.Now.UnixMicro(), person.ID); err != nil {
				return fmt.Errorf("place person %d: %w", person.ID, err)
			}
		}
		p.ID = db.NewID()
		p.CreatedAt, p.UpdatedAt = tx.Now, tx.Now
		if err := insertPost(ctx, tx, &p); err != nil {
			return err
		}
		after := p.summary()
		if len(ended) > 0 {
			after["ended_posts"] = ended
		}
		return auth.Record(ctx, tx, a, auditPost("post.assign", &p, nil, after, ""))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// endOpenPosts ends every post person holds on day and returns their ids.
// A post that starts after day cannot end then: Invalid, naming start.
func endOpenPosts(ctx context.Context, tx *db.Tx, person int64, day string) ([]int64, error) {
	open, err := queryPosts(ctx, tx, `WHERE po.person_id = $1 AND po.end_date IS NULL ORDER BY po.id`, person)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, o := range open {
		if day < o.Start {
			e := errs.Field("start", "org.post.starts_before_current",
				fmt.Sprintf("the new post starts before the current post %s (from %s)", o.Title, o.Start))
			e.Args = map[string]any{"title": o.Title, "start": o.Start}
			return nil, e
		}
		ids = append(ids, o.ID)
	}
	if len(ids) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET end_date = $1, updated_at = $2
			WHERE person_id = $3 AND end_date IS NULL`, day, tx.Now.UnixMicro(), person); err != nil {
			return nil, fmt.Errorf("end posts of person %d: %w", person, err)
		}
	}
	return ids, nil
}

func insertPost(ctx context.Context, tx *db.Tx, p *Post) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO posts
		(id, person_id, unit_id, title, rank, team, sort_order, concurrent, start_date, end_date, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		p.ID, p.PersonID, p.UnitID, p.Title, p.Rank, p.Team, p.Sort, p.Concurrent, p.Start, nullDate(p.End),
		p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("insert post: %w", err)
	}
	return nil
}

// EndPost ends post id on day end (e.g. on retirement or removal; a
// transfer ends posts through AssignPost). The person stays placed in the
// post's unit. The actor needs ActPersonWrite on the post's unit.
func (s *Service) EndPost(ctx context.Context, a *auth.Actor, id int64, end, reason string) (*Post, error) {
	var out *Post
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		p, err := getPost(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActPersonWrite, p.UnitPath); err != nil {
			return err
		}
		if p.End != "" {
			e := errs.New(errs.Conflict, "org.post.already_ended", "the post ended on "+p.End)
			e.Args = map[string]any{"end": p.End}
			return e
		}
		if !validDate(end) {
			return errs.Field("end", "org.post.end_invalid", "end is not a date YYYY-MM-DD")
		}
		if end < p.Start {
			return errs.Field("end", "org.post.end_before_start", "end is before start")
		}
		before := p.summary()
		p.End, p.UpdatedAt = end, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET end_date = $1, updated_at = $2 WHERE id = $3`,
			end, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("end post %d: %w", id, err)
		}
		out = p
		return auth.Record(ctx, tx, a, auditPost("post.end", p, before, p.summary(), reason))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
