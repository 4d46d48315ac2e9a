package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Gender of a person.
type Gender string

// The genders as cadre records hold them.
const (
	Male   Gender = "male"
	Female Gender = "female"
)

// Party is a person's political affiliation (政治面貌).
type Party string

// The affiliations.
const (
	PartyCPC        Party = "cpc"        // 中共党员
	PartyDemocratic Party = "democratic" // 民主党派成员
	PartyNone       Party = "none"       // 无党派人士 / 群众
)

// Parties lists the affiliations.
var Parties = []Party{PartyCPC, PartyDemocratic, PartyNone}

// Education is the highest level of education completed (最高学历).
type Education string

// The education levels.
const (
	EducationPostgraduate Education = "postgraduate" // 研究生
	EducationUniversity   Education = "university"   // 大学本科
	EducationCollege      Education = "college"      // 大专
	EducationSecondary    Education = "secondary"    // 中专及以下
)

// Educations lists the education levels from the highest.
var Educations = []Education{EducationPostgraduate, EducationUniversity, EducationCollege, EducationSecondary}

// Ethnicities lists the 56 ethnic groups by their standard Chinese names
// (GB/T 3304), in the standard's order.
var Ethnicities = []string{
	"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
	"满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
	"佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
	"达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
	"塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
	"独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
}

// Person is a cadre (干部). Personal fields are kept to what assessment
// needs.
type Person struct {
	ID     int64
	Name   string
	Gender Gender
	// BirthDate is 'YYYY-MM-DD'.
	BirthDate string
	// Ethnicity is one of Ethnicities, e.g. 汉族.
	Ethnicity string
	Party     Party
	Education Education
	// UnitID places the person in the tree: the unit of the primary post,
	// or of the last one when none is held. Assigning a primary post moves it.
	UnitID int64
	// UnitName is the name of UnitID's unit, filled on reads.
	UnitName string
	// Title and Rank are those of the current primary post, filled by
	// FindPeople; empty when none is held.
	Title     string
	Rank      Rank
	CreatedAt time.Time
	UpdatedAt time.Time
	// Posts is the post history, newest first, filled by Service.Person.
	Posts []*Post
}

// Validate checks the person's fields.
func (p *Person) Validate() error {
	if e := errs.CheckText("name", "org.person.name", "name", p.Name, 32, true); e != nil {
		return e
	}
	if p.Gender != Male && p.Gender != Female {
		return errs.Field("gender", "org.person.gender_invalid", fmt.Sprintf("gender %q is not male or female", p.Gender))
	}
	if !validDate(p.BirthDate) || p.BirthDate < "1900-01-01" {
		return errs.Field("birth_date", "org.person.birth_date_invalid", "birth date is not a date YYYY-MM-DD after 1900")
	}
	if !slices.Contains(Ethnicities, p.Ethnicity) {
		return errs.Field("ethnicity", "org.person.ethnicity_invalid", fmt.Sprintf("ethnicity %q is not one of the 56 ethnic groups", p.Ethnicity))
	}
	if !slices.Contains(Parties, p.Party) {
		return errs.Field("party", "org.person.party_invalid", fmt.Sprintf("party %q is not cpc, democratic or none", p.Party))
	}
	if !slices.Contains(Educations, p.Education) {
		return errs.Field("education", "org.person.education_invalid", fmt.Sprintf("education %q is not postgraduate, university, college or secondary", p.Education))
	}
	if p.UnitID == 0 {
		return errs.Field("unit_id", "org.person.unit_required", "unit is required")
	}
	return nil
}

func (p *Person) summary() map[string]any {
	return map[string]any{
		"name": p.Name, "gender": p.Gender, "birth_date": p.BirthDate, "ethnicity": p.Ethnicity,
		"party": p.Party, "education": p.Education, "unit_id": p.UnitID,
	}
}

// PersonFilter selects people. Zero fields do not filter.
type PersonFilter struct {
	// Under limits the list to people placed in the subtree of this unit.
	Under int64
	// Name matches a part of the name.
	Name string
	// Serving keeps only people who hold a primary post.
	Serving bool
	// Limit is the page size (50 by default, at most 1000); Offset skips rows.
	Limit, Offset int
}

// personCols lists the columns scanPerson reads, of people p and the unit u
// the person is placed in.
const personCols = `p.id, p.name, p.gender, p.birth_date, p.ethnicity, p.party, p.education, p.unit_id, u.name, p.created_at, p.updated_at`

func scanPerson(s interface{ Scan(...any) error }, extra ...any) (*Person, error) {
	var (
		p                Person
		created, updated int64
	)
	dest := append([]any{&p.ID, &p.Name, &p.Gender, &p.BirthDate, &p.Ethnicity, &p.Party, &p.Education,
		&p.UnitID, &p.UnitName, &created, &updated}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &p, nil
}

// getPerson reads a person without posts; NotFound when there is none.
func getPerson(ctx context.Context, tx *db.Tx, id int64) (*Person, error) {
	p, err := scanPerson(tx.QueryRowContext(ctx, `SELECT `+personCols+`
		FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("person")
	}
	if err != nil {
		return nil, fmt.Errorf("read person %d: %w", id, err)
	}
	return p, nil
}

// personPaths returns the paths the policy judges a person by: the unit
// the person is placed in and the units of the posts the person holds.
func personPaths(ctx context.Context, tx *db.Tx, id int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1
		UNION SELECT u.path FROM posts po JOIN units u ON u.id = po.unit_id WHERE po.person_id = $1 AND po.end_date IS NULL`, id)
	if err != nil {
		return nil, fmt.Errorf("read units of person %d: %w", id, err)
	}
	defer rows.Close()
	var paths []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("read units of person %d: %w", id, err)
		}
		paths = append(paths, p)
	}
	return paths, rows.Err()
}

// authorizePerson checks that a may do action on person id.
func (s *Service) authorizePerson(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) error {
	paths, err := personPaths(ctx, tx, id)
	if err != nil {
		return err
	}
	return s.pol.AuthorizePerson(a, action, id, paths)
}

func auditPerson(action string, p *Person, path string, before, after any) audit.Event {
	return audit.Event{Action: action, ObjectType: "person", ObjectID: db.FormatID(p.ID), UnitPath: path,
		Before: before, After: after}
}

// CreatePerson adds a person placed in p.UnitID; assign a post next. The
// actor needs ActPersonWrite on that unit.
func (s *Service) CreatePerson(ctx context.Context, a *auth.Actor, p Person) (*Person, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := getUnit(ctx, tx, p.UnitID)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActPersonWrite, u.Path); err != nil {
			return err
		}
		p.ID = db.NewID()
		p.UnitName = u.Name
		p.CreatedAt, p.UpdatedAt = tx.Now, tx.Now
		_, err = tx.ExecContext(ctx, `INSERT INTO people
			(id, name, gender, birth_date, ethnicity, party, education, unit_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			p.ID, p.Name, p.Gender, p.BirthDate, p.Ethnicity, p.Party, p.Education, p.UnitID,
			tx.Now.UnixMicro(), tx.Now.UnixMicro())
		if err != nil {
			return fmt.Errorf("insert person: %w", err)
		}
		return auth.Record(ctx, tx, a, auditPerson("person.create", &p, u.Path, nil, p.summary()))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// UpdatePerson replaces the personal fields of person p.ID; its placement
// follows its posts and is not changed here. The actor needs ActPersonWrite
// on the person.
func (s *Service) UpdatePerson(ctx context.Context, a *auth.Actor, p Person) (*Person, error) {
	var out *Person
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := getPerson(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := s.authorizePerson(ctx, tx, a, auth.ActPersonWrite, p.ID); err != nil {
			return err
		}
		p.UnitID, p.UnitName, p.CreatedAt, p.UpdatedAt = old.UnitID, old.UnitName, old.CreatedAt, tx.Now
		if err := p.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE people SET name = $1, gender = $2, birth_date = $3, ethnicity = $4,
			party = $5, education = $6, updated_at = $7 WHERE id = $8`,
			p.Name, p.Gender, p.BirthDate, p.Ethnicity, p.Party, p.Education, tx.Now.UnixMicro(), p.ID)
		if err != nil {
			return fmt.Errorf("update person %d: %w", p.ID, err)
		}
		u, err := getUnit(ctx, tx, p.UnitID)
		if err != nil {
			return err
		}
		out = &p
		return auth.Record(ctx, tx, a, auditPerson("person.update", &p, u.Path, old.summary(), p.summary()))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Person returns the person id with the whole post history. The actor
// needs ActPersonRead on the person.
func (s *Service) Person(ctx context.Context, a *auth.Actor, id int64) (*Person, error) {
	var out *Person
	err := s.db.View(ctx, func(tx *db.Tx) error {
		p, err := getPerson(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.authorizePerson(ctx, tx, a, auth.ActPersonRead, id); err != nil {
			return err
		}
		if p.Posts, err = queryPosts(ctx, tx, `WHERE po.person_id = $1
			ORDER BY po.start_date DESC, po.concurrent, po.id DESC`, id); err != nil {
			return err
		}
		for _, po := range p.Posts {
			if po.End == "" && !po.Concurrent {
				p.Title, p.Rank = po.Title, po.Rank
			}
		}
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// selfOr joins the condition of the units a scope reaches (cond) with
// the condition of the actor's own person (self): self alone when the
// scope reaches no unit, so that the planner finds the one person by its
// key instead of scanning everyone for a "1 = 0 OR" (an assessed cadre).
func selfOr(sc auth.Scope, cond, self string) string {
	if !sc.All && len(sc.Subtrees) == 0 && len(sc.Units) == 0 {
		return self
	}
	return "(" + cond + " OR " + self + ")"
}

// FindPeople returns a page of the people the actor may read that match
// f, grouped by unit in tree order and within a unit in protocol order,
// and how many match in all. A person is listed under the unit UnitID
// names.
func (s *Service) FindPeople(ctx context.Context, a *auth.Actor, f PersonFilter) ([]*Person, int, error) {
	limit, offset := page(f.Limit, f.Offset)
	var (
		out   []*Person
		total int
	)
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		from, err := s.peopleFrom(ctx, tx, a, f, &args)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) `+from, args...).Scan(&total); err != nil {
			return fmt.Errorf("count people: %w", err)
		}
		l, o := db.Arg(&args, limit), db.Arg(&args, offset)
		rows, err := tx.QueryContext(ctx, `SELECT `+personCols+`, po.title, po.rank `+from+`
			ORDER BY u.path, COALESCE(po.sort_order, 1000000), p.id LIMIT `+l+` OFFSET `+o, args...)
		if err != nil {
			return fmt.Errorf("list people: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var title, rank sql.NullString
			p, err := scanPerson(rows, &title, &rank)
			if err != nil {
				return fmt.Errorf("list people: %w", err)
			}
			p.Title, p.Rank = title.String, Rank(rank.String)
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// CountPeople counts the people the actor may read that match f (its
// Limit and Offset aside): FindPeople's total without sorting them for a
// page, which at a province's 100,000 cadres is most of the work.
func (s *Service) CountPeople(ctx context.Context, a *auth.Actor, f PersonFilter) (int, error) {
	var total int
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		from, err := s.peopleFrom(ctx, tx, a, f, &args)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) `+from, args...).Scan(&total); err != nil {
			return fmt.Errorf("count people: %w", err)
		}
		return nil
	})
	return total, err
}

// peopleFrom returns the FROM and WHERE clauses that select the people the
// actor may read matching f, with the primary post joined as po (inner
// for Serving, else left).
func (s *Service) peopleFrom(ctx context.Context, tx *db.Tx, a *auth.Actor, f PersonFilter, args *[]any) (string, error) {
	sc := s.pol.Scope(a, auth.ActPersonRead)
	var where []string
	if f.Under != 0 {
		under, err := getUnit(ctx, tx, f.Under)
		if err != nil {
			return "", err
		}
		narrowed, ok := narrow(sc, under.Path)
		cond := narrowed.SQL("u.path", args)
		if sc.Self && a.PersonID != 0 {
			lo, hi := auth.SubtreeBounds(under.Path)
			self := fmt.Sprintf("(p.id = %s AND u.path >= %s AND u.path < %s)", db.Arg(args, a.PersonID), db.Arg(args, lo), db.Arg(args, hi))
			cond = selfOr(narrowed, cond, self)
			ok = true
		}
		if !ok {
			return "", errs.NoSuch("unit")
		}
		where = append(where, cond)
	} else {
		cond := sc.SQL("u.path", args)
		if sc.Self && a.PersonID != 0 {
			cond = selfOr(sc, cond, "p.id = "+db.Arg(args, a.PersonID))
		}
		where = append(where, cond)
	}
	if n := strings.TrimSpace(f.Name); n != "" {
		where = append(where, `p.name LIKE `+db.Arg(args, likeArg(n))+` ESCAPE '\'`)
	}
	// A person holds at most one primary post (posts_one_primary), so
	// the join with it adds no rows.
	join := "LEFT JOIN"
	if f.Serving {
		join = "JOIN"
	}
	return `FROM people p JOIN units u ON u.id = p.unit_id ` + join +
		` posts po ON po.person_id = p.id AND po.end_date IS NULL AND NOT po.concurrent WHERE ` + strings.Join(where, " AND "), nil
}
