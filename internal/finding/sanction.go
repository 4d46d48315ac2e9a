package finding

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// SanctionKind is the kind of a sanction: an organisational measure, a
// party or government disciplinary sanction, or an investigation (立案审查)
// under way.
type SanctionKind string

// The kinds, from the lightest; an investigation is not a sanction but
// defers the grade while it is open.
const (
	KindAdmonish       SanctionKind = "admonish"       // 诫勉
	KindOrganisational SanctionKind = "organisational" // 组织处理
	KindWarning        SanctionKind = "warning"        // 警告
	KindDemerit        SanctionKind = "demerit"        // 记过
	KindGraveDemerit   SanctionKind = "grave_demerit"  // 记大过
	KindDemotion       SanctionKind = "demotion"       // 降级
	KindDismissal      SanctionKind = "dismissal"      // 撤职
	KindInvestigation  SanctionKind = "investigation"  // 立案审查
)

// SanctionKinds lists the kinds in the order the interface shows them.
var SanctionKinds = []SanctionKind{KindAdmonish, KindOrganisational, KindWarning, KindDemerit, KindGraveDemerit,
	KindDemotion, KindDismissal, KindInvestigation}

// Valid reports whether k is a known kind.
func (k SanctionKind) Valid() bool { return slices.Contains(SanctionKinds, k) }

// Grave reports whether k is 记过 or heavier.
func (k SanctionKind) Grave() bool {
	return k == KindDemerit || k == KindGraveDemerit || k == KindDemotion || k == KindDismissal
}

// DefaultPeriods are the effect periods in months of each kind but the
// investigation, which has no end until it is closed: 警告 6, 记过 12, 记大过
// 18, 降级 and 撤职 24 (中国共产党纪律处分条例, 公职人员政务处分法), and 诫勉 and
// 组织处理 6 — the time they bar 优秀 (干部考核条例: 受诫勉 … 当年不得评为优秀).
// A Service's SetPeriods overrides them.
var DefaultPeriods = map[SanctionKind]int{KindAdmonish: 6, KindOrganisational: 6, KindWarning: 6, KindDemerit: 12,
	KindGraveDemerit: 18, KindDemotion: 24, KindDismissal: 24}

// SanctionStatus is whether a sanction still stands.
type SanctionStatus string

// The statuses.
const (
	SanctionActive SanctionStatus = "active"
	// SanctionLifted: lifted (解除), for an investigation closed (结案).
	SanctionLifted SanctionStatus = "lifted"
)

// Sanction is a sanction of a cadre, or an investigation of her, with its
// effect period and the follow-up visits it scheduled.
type Sanction struct {
	ID       int64
	PersonID int64
	// Person is the cadre's name, Unit her unit's.
	Person, Unit string
	Kind         SanctionKind
	// DecidedOn is the day of the decision; EffectiveFrom and EffectiveTo
	// the effect period, both included ('YYYY-MM-DD'). EffectiveTo is
	// computed from the kind's period when recorded; '' for an open
	// investigation.
	DecidedOn, EffectiveFrom, EffectiveTo string
	// FindingID is the finding the sanction follows from; 0 for none.
	FindingID int64
	// Reference is the decision's document number, Body who decided (e.g.
	// 甲市纪委监委).
	Reference, Body string
	Status          SanctionStatus
	// LiftedOn is the day it was lifted or the investigation closed.
	LiftedOn  string
	FollowUps []*FollowUp
	CreatedAt time.Time

	unitPath string
}

// Until is the last day the sanction has effect: the day it was lifted if
// that is earlier than its end; ” for an open investigation.
func (s *Sanction) Until() string {
	if s.Status == SanctionLifted && (s.EffectiveTo == "" || s.LiftedOn < s.EffectiveTo) {
		return s.LiftedOn
	}
	return s.EffectiveTo
}

// Limits of a sanction's text.
const maxSanctionText = 200

// SetPeriods overrides the effect periods (months) of the kinds periods
// names, for sanctions recorded from now on: a recorded sanction keeps the
// end computed when it was recorded. A period must be from 1 to 120 months.
func (s *Service) SetPeriods(periods map[SanctionKind]int) error {
	m := maps.Clone(DefaultPeriods)
	if s.periods != nil {
		m = maps.Clone(s.periods)
	}
	for k, n := range periods {
		if err := checkPeriod(k, n); err != nil {
			return err
		}
		m[k] = n
	}
	s.periods = m
	return nil
}

// checkPeriod checks an effect period: a kind with a period (not an
// investigation) and 1 to 120 months.
func checkPeriod(k SanctionKind, n int) error {
	if !k.Valid() || k == KindInvestigation {
		return fmt.Errorf("sanction periods: no kind %q with a period", k)
	}
	if n < 1 || n > 120 {
		return fmt.Errorf("sanction periods: %s: %d months is not from 1 to 120", k, n)
	}
	return nil
}

// ParsePeriods reads effect periods written kind=months separated by
// commas ("warning=6,demerit=12"), as the server's configuration gives
// them, each checked as SetPeriods does; "" is none.
func ParsePeriods(text string) (map[SanctionKind]int, error) {
	out := map[SanctionKind]int{}
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil {
			return nil, fmt.Errorf("sanction periods: %q is not kind=months", part)
		}
		kind := SanctionKind(strings.TrimSpace(k))
		if err := checkPeriod(kind, n); err != nil {
			return nil, err
		}
		out[kind] = n
	}
	return out, nil
}

// Period returns the effect period in months of kind k; 0 for an
// investigation.
func (s *Service) Period(k SanctionKind) int {
	if s.periods != nil {
		return s.periods[k]
	}
	return DefaultPeriods[k]
}

// EffectEnd returns the last day of an effect period of months starting on
// from: the day before the same day months later, or the month's last day
// when that month is shorter (2025-01-31 + 1 month ends 2025-02-27).
func EffectEnd(from string, months int) (string, error) {
	d, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return "", err
	}
	return addMonths(d, months).AddDate(0, 0, -1).Format(time.DateOnly), nil
}

// addMonths adds months to d, keeping the day but no later than the last
// day of the target month.
func addMonths(d time.Time, months int) time.Time {
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d.Day(), last)-1)
}

// RecordSanction records sanction sn of a cadre: its kind, decision day,
// effect start (the decision day when empty), reference and deciding body,
// optionally the finding it follows from (which must name her and be
// readable by the actor). The effect end is computed from the kind's
// period; the follow-up visits are scheduled (ScheduleFor). The office of
// the cadre's units may (ActSanctionWrite); NotFound for one who does not
// see her.
func (s *Service) RecordSanction(ctx context.Context, a *auth.Actor, sn Sanction) (*Sanction, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sn.DecidedOn, sn.EffectiveFrom = strings.TrimSpace(sn.DecidedOn), strings.TrimSpace(sn.EffectiveFrom)
	sn.Reference, sn.Body = strings.TrimSpace(sn.Reference), strings.TrimSpace(sn.Body)
	var out *Sanction
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		p, path, err := s.sanctionPerson(ctx, tx, a, sn.PersonID, auth.ActSanctionWrite)
		if err != nil {
			return err
		}
		if l := s.sanctionProblems(&sn); len(l) > 0 {
			return l
		}
		if sn.FindingID != 0 {
			f, err := get(ctx, tx, sn.FindingID)
			if err == nil {
				err = s.mayRead(a, f)
			}
			if err != nil {
				return errs.Field("finding_id", "sanction.finding_unknown", "no such finding")
			}
			if !f.names(p.ID) {
				return errs.Field("finding_id", "sanction.finding_other", "the finding does not name the cadre")
			}
		}
		if sn.Kind != KindInvestigation {
			if sn.EffectiveTo, err = EffectEnd(sn.EffectiveFrom, s.Period(sn.Kind)); err != nil {
				return err
			}
		} else {
			sn.EffectiveTo = ""
		}
		sn.ID, sn.Person, sn.Status, sn.LiftedOn, sn.CreatedAt, sn.unitPath = db.NewID(), p.Name, SanctionActive, "", tx.Now, path
		if _, err := tx.ExecContext(ctx, `INSERT INTO sanctions (id, person_id, kind, decided_on, effective_from, effective_to,
			finding_id, reference, body, status, lifted_on, unit_path, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12, $12)`, sn.ID, sn.PersonID, sn.Kind, sn.DecidedOn,
			sn.EffectiveFrom, sn.EffectiveTo, nullID(sn.FindingID), sn.Reference, sn.Body, sn.Status, path, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert sanction: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "sanction.record", ObjectType: "sanction", ObjectID: db.FormatID(sn.ID),
			UnitPath: path, After: map[string]any{"person": db.FormatID(sn.PersonID), "kind": sn.Kind, "decided_on": sn.DecidedOn,
				"effective_from": sn.EffectiveFrom, "effective_to": sn.EffectiveTo, "finding": db.FormatID(sn.FindingID),
				"body": sn.Body}, Reason: sn.Reference}); err != nil {
			return err
		}
		for _, fu := range ScheduleFor(&sn) {
			fu.ID, fu.SanctionID, fu.CreatedAt = db.NewID(), sn.ID, tx.Now
			if _, err := tx.ExecContext(ctx, `INSERT INTO follow_ups (id, sanction_id, kind, due_on, done_on, notes, user_id, user_name,
				created_at, updated_at) VALUES ($1, $2, $3, $4, '', '', 0, '', $5, $5)`, fu.ID, sn.ID, fu.Kind, fu.DueOn,
				tx.Now.UnixMicro()); err != nil {
				return fmt.Errorf("insert follow-up: %w", err)
			}
			sn.FollowUps = append(sn.FollowUps, fu)
		}
		out = &sn
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sanctionProblems checks the fields of sn that need no database.
func (s *Service) sanctionProblems(sn *Sanction) errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	if sn.Kind == "" {
		add(errs.Field("kind", "sanction.kind_required", "kind is required"))
	} else if !sn.Kind.Valid() {
		add(errs.Field("kind", "sanction.kind_invalid", "kind is not one of its list"))
	}
	now := s.db.Clock()
	add(checkDay("decided_on", "sanction.decided_on", sn.DecidedOn, "", now))
	if sn.EffectiveFrom == "" {
		sn.EffectiveFrom = sn.DecidedOn
	} else if sn.DecidedOn != "" {
		add(checkDay("effective_from", "sanction.effective_from", sn.EffectiveFrom, sn.DecidedOn, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	add(errs.CheckText("reference", "sanction.reference", "the decision's reference", sn.Reference, maxSanctionText, true))
	add(errs.CheckText("body", "sanction.body", "the deciding body", sn.Body, maxSanctionText, true))
	return l
}

// LiftSanction lifts sanction id on day (解除), or closes an open
// investigation (结案), with reason: its effect ends on day, and visits
// due after it are no longer due. The day is not before the effect starts
// nor after today; a lifted sanction refuses.
func (s *Service) LiftSanction(ctx context.Context, a *auth.Actor, id int64, day, reason string) (*Sanction, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	day, reason = strings.TrimSpace(day), strings.TrimSpace(reason)
	var out *Sanction
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		sn, err := s.writableSanction(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if sn.Status != SanctionActive {
			return errs.New(errs.Conflict, "sanction.lifted", "the sanction is already lifted")
		}
		var l errs.List
		if e := checkDay("lifted_on", "sanction.lifted_on", day, sn.EffectiveFrom, s.db.Clock()); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("reason", "sanction.reason", "the reason", reason, maxNote, true); e != nil {
			l.Add(e)
		}
		if len(l) > 0 {
			return l
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sanctions SET status = $1, lifted_on = $2, updated_at = $3 WHERE id = $4`,
			SanctionLifted, day, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("lift sanction: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "sanction.lift", ObjectType: "sanction", ObjectID: db.FormatID(id),
			UnitPath: sn.unitPath, Before: map[string]any{"status": sn.Status}, After: map[string]any{"status": SanctionLifted,
				"lifted_on": day}, Reason: reason}); err != nil {
			return err
		}
		sn.Status, sn.LiftedOn = SanctionLifted, day
		out = sn
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Sanctions lists the sanctions of person personID (0: every cadre in
// the actor's scope) with their follow-ups, newest decision first. The
// office reads those of cadres in its scope, a cadre her own.
func (s *Service) Sanctions(ctx context.Context, a *auth.Actor, personID int64) ([]*Sanction, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Sanction
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		if personID != 0 {
			if _, _, err := s.sanctionPerson(ctx, tx, a, personID, auth.ActSanctionRead); err != nil {
				return err
			}
			out, err = querySanctions(ctx, tx, `s.person_id = $1`, []any{personID})
			return err
		}
		all, err := querySanctions(ctx, tx, `1 = 1`, nil)
		if err != nil {
			return err
		}
		out, err = inScope(ctx, tx, s.pol, a, auth.ActSanctionRead, all, func(sn *Sanction) int64 { return sn.PersonID })
		return err
	})
	return out, err
}

// sanctionPerson reads person id and her unit's path and checks that a
// may do act on her: on her current units (her own unit and her current
// posts' units), or herself for a Self reach. NotFound for one who does
// not see her, Forbidden for one who does.
func (s *Service) sanctionPerson(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64, act auth.Action) (*org.Person, string, error) {
	ps, err := org.PeopleByID(ctx, tx, []int64{id})
	if err != nil {
		return nil, "", err
	}
	p := ps[id]
	if p == nil {
		return nil, "", errs.NoSuch("person")
	}
	paths, err := org.PersonPaths(ctx, tx, []int64{id}, false)
	if err != nil {
		return nil, "", err
	}
	if err := s.pol.AuthorizePerson(a, act, id, paths[id]); err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, "", errs.NoSuch("person")
		}
		return nil, "", err
	}
	path := ""
	if us, err := org.UnitsByID(ctx, tx, []int64{p.UnitID}); err != nil {
		return nil, "", err
	} else if u := us[p.UnitID]; u != nil {
		path = u.Path
	}
	return p, path, nil
}

// writableSanction reads sanction id for a change by a: NotFound when a
// does not read it, Forbidden when a reads but may not change it.
func (s *Service) writableSanction(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Sanction, error) {
	sns, err := querySanctions(ctx, tx, `s.id = $1`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(sns) == 0 {
		return nil, errs.NoSuch("sanction")
	}
	sn := sns[0]
	if _, _, err := s.sanctionPerson(ctx, tx, a, sn.PersonID, auth.ActSanctionRead); err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.NoSuch("sanction")
		}
		return nil, err
	}
	if _, _, err := s.sanctionPerson(ctx, tx, a, sn.PersonID, auth.ActSanctionWrite); err != nil {
		return nil, forbiddenIfRead(err, auth.ActSanctionWrite)
	}
	return sn, nil
}

// sanctionCols are the columns querySanctions reads, of sanctions s.
const sanctionCols = `s.id, s.person_id, s.kind, s.decided_on, s.effective_from, s.effective_to, s.finding_id,
	s.reference, s.body, s.status, s.lifted_on, s.unit_path, s.created_at`

// querySanctions reads the sanctions where cond holds, with their
// follow-ups, newest decision first.
func querySanctions(ctx context.Context, tx *db.Tx, cond string, args []any) ([]*Sanction, error) {
	var out []*Sanction
	byID := map[int64]*Sanction{}
	err := db.EachRow(ctx, tx, `SELECT `+sanctionCols+` FROM sanctions s WHERE `+cond, args, func(scan func(...any) error) error {
		sn := &Sanction{}
		var fid sql.NullInt64
		var at int64
		if err := scan(&sn.ID, &sn.PersonID, &sn.Kind, &sn.DecidedOn, &sn.EffectiveFrom, &sn.EffectiveTo, &fid,
			&sn.Reference, &sn.Body, &sn.Status, &sn.LiftedOn, &sn.unitPath, &at); err != nil {
			return err
		}
		sn.FindingID, sn.CreatedAt = fid.Int64, db.Micros(at)
		out = append(out, sn)
		byID[sn.ID] = sn
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read sanctions: %w", err)
	}
	var pids []int64
	for _, sn := range out {
		pids = append(pids, sn.PersonID)
	}
	ps, err := org.PeopleByID(ctx, tx, pids)
	if err != nil {
		return nil, err
	}
	for _, sn := range out {
		if p := ps[sn.PersonID]; p != nil {
			sn.Person, sn.Unit = p.Name, p.UnitName
		}
	}
	slices.SortFunc(out, func(x, y *Sanction) int {
		return cmp.Or(strings.Compare(y.DecidedOn, x.DecidedOn), strings.Compare(x.Person, y.Person), cmp.Compare(x.ID, y.ID))
	})
	ids := slices.Collect(maps.Keys(byID))
	for start := 0; start < len(ids); start += 500 {
		var fargs []any
		fus, err := queryFollowUps(ctx, tx, `f.sanction_id IN (`+db.In(&fargs, ids[start:min(start+500, len(ids))])+`)`, fargs)
		if err != nil {
			return nil, err
		}
		for _, fu := range fus {
			byID[fu.SanctionID].FollowUps = append(byID[fu.SanctionID].FollowUps, fu)
		}
	}
	return out, nil
}

// SanctionFlags are the flags a cycle sets on an entity from its
// sanctions (SanctionFlagsOf); the scheme version's grading says what
// each bars (Block with When flag, NoGradeFlags).
const (
	// FlagSanctionWarning: a 诫勉, 组织处理 or 警告 with effect within the
	// period (by default it bars 优秀).
	FlagSanctionWarning = "sanction_warning"
	// FlagSanctionGrave: a 记过 or heavier with effect within the period
	// (by default 不定等次).
	FlagSanctionGrave = "sanction_grave"
	// FlagUnderInvestigation: an investigation opened by the period's end
	// and still open (by default the grade is deferred, 暂缓确定等次, until
	// it is closed and the cycle run again).
	FlagUnderInvestigation = "under_investigation"
)

// SanctionFlag is one flag of one person for a period, with the
// sanctions that set it.
type SanctionFlag struct {
	PersonID int64
	Flag     string
	// Sanctions are the IDs of the sanctions that set the flag.
	Sanctions []int64
}

// SanctionFlagsOf returns the flags of each of personIDs for period
// (a year, quarter or month, as Records): a sanction sets its flag when
// its effect period (up to the day it was lifted) meets the period, an
// investigation when it was opened by the period's end and was not closed
// before the period's start. By person, then flag. It reads inside the
// caller's transaction and checks no policy.
func SanctionFlagsOf(ctx context.Context, tx *db.Tx, period string, personIDs []int64) ([]SanctionFlag, error) {
	from, to, err := periodDays(period)
	if err != nil {
		return nil, err
	}
	type key struct {
		p    int64
		flag string
	}
	got := map[key][]int64{}
	for start := 0; start < len(personIDs); start += 500 {
		var args []any
		in := db.In(&args, personIDs[start:min(start+500, len(personIDs))])
		sns, err := querySanctions(ctx, tx, `s.person_id IN (`+in+`)`, args)
		if err != nil {
			return nil, err
		}
		for _, sn := range sns {
			if sn.EffectiveFrom > to {
				continue
			}
			if sn.Kind == KindInvestigation && sn.Status != SanctionActive {
				continue
			}
			if until := sn.Until(); until != "" && until < from {
				continue
			}
			flag := FlagSanctionWarning
			switch {
			case sn.Kind == KindInvestigation:
				flag = FlagUnderInvestigation
			case sn.Kind.Grave():
				flag = FlagSanctionGrave
			}
			k := key{sn.PersonID, flag}
			got[k] = append(got[k], sn.ID)
		}
	}
	out := make([]SanctionFlag, 0, len(got))
	for k, ids := range got {
		slices.Sort(ids)
		out = append(out, SanctionFlag{PersonID: k.p, Flag: k.flag, Sanctions: ids})
	}
	slices.SortFunc(out, func(x, y SanctionFlag) int {
		return cmp.Or(cmp.Compare(x.PersonID, y.PersonID), strings.Compare(x.Flag, y.Flag))
	})
	return out, nil
}

// inScope keeps the items of xs whose person a may do act on: on her
// current units, or herself for a Self reach.
func inScope[T any](ctx context.Context, tx *db.Tx, pol auth.Policy, a *auth.Actor, act auth.Action, xs []T, person func(T) int64) ([]T, error) {
	var ids []int64
	for _, x := range xs {
		ids = append(ids, person(x))
	}
	paths, err := org.PersonPaths(ctx, tx, ids, false)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, x := range xs {
		if id := person(x); pol.AuthorizePerson(a, act, id, paths[id]) == nil {
			out = append(out, x)
		}
	}
	return out, nil
}
