package track

import (
	"context"
	"fmt"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Archive is what the lifelong archive of a cadre (干部实绩档案) holds of
// package track: her own commitments with their delivery (亮诺 · 亮晒 ·
// 亮效) and her work ledger with its 潜绩, as far as the actor reads them
// and, for an as-of day, as known at its end.
type Archive struct {
	// Commitments are hers, the newest year first and each year's in the
	// order filed, with their milestones; MayCommitments says whether the
	// actor reads her commitments at all.
	Commitments    []*Commitment
	MayCommitments bool
	// Rates are her delivery rates (亮诺践诺率) of the years in which
	// Commitments holds a verdict, newest first, counted as deliveryRate
	// counts but over the commitments shown.
	Rates []Rate
	// Entries are her ledger entries, newest first, at most MaxLedger;
	// MayLedger says whether the actor reads her ledger at all.
	Entries   []*Entry
	MayLedger bool
}

// Rate is a delivery rate of a year, in percent.
type Rate struct {
	Year    int
	Percent float64
}

// ArchiveOf returns what the archive of cadre personID holds of her
// commitments and ledger, as known at the end of day asOf ('YYYY-MM-DD'
// in Beijing, "" for now). Each commitment and entry is one of a unit
// where the actor may read commitments (ActCommitmentRead) or the ledger
// (ActLedgerRead), or the actor's own; NotFound for no such cadre and for
// an actor who may read neither of hers in any unit she served in.
//
// As of a day, the archive holds the commitments filed by then and the
// entries dated by then (an entry recorded later but dated before counts:
// the ledger is kept by day). A commitment reads as it then stood, see
// Commitment.knownAt; its title and target are its current version's.
func (s *Service) ArchiveOf(ctx context.Context, a *auth.Actor, personID int64, asOf string) (*Archive, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var until time.Time
	if asOf != "" {
		d, err := time.ParseInLocation(time.DateOnly, asOf, collect.Beijing)
		if err != nil {
			return nil, errs.Field("asof", "track.asof_invalid", "the as-of day is not a date YYYY-MM-DD")
		}
		until = d.AddDate(0, 0, 1)
	}
	out := &Archive{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		paths, err := org.PersonPaths(ctx, tx, []int64{personID}, true)
		if err != nil {
			return err
		}
		self := a.PersonID != 0 && a.PersonID == personID
		may := func(act auth.Action) bool {
			return len(paths[personID]) > 0 && (self || s.pol.AuthorizePerson(a, act, personID, paths[personID]) == nil)
		}
		out.MayCommitments, out.MayLedger = may(auth.ActCommitmentRead), may(auth.ActLedgerRead)
		if !out.MayCommitments && !out.MayLedger {
			return errs.NoSuch("person")
		}
		if out.MayCommitments {
			if out.Commitments, err = s.archiveCommitments(ctx, tx, a, personID, self, until); err != nil {
				return err
			}
			out.Rates = ratesOf(out.Commitments)
		}
		if out.MayLedger {
			args := []any{personID}
			cond := "e.person_id = $1"
			if asOf != "" {
				cond += " AND e.day <= " + db.Arg(&args, asOf)
			}
			es, err := entries(ctx, tx, cond, args)
			if err != nil {
				return err
			}
			for _, e := range es {
				if self || s.pol.Authorize(a, auth.ActLedgerRead, e.unitPath) == nil {
					out.Entries = append(out.Entries, e)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ownCommitments selects the commitments of cadre $1, as c.
const ownCommitments = `c.owner_kind = 'person' AND c.person_id = $1`

// archiveCommitments reads the commitments of cadre personID that a may
// read (self: they are a's own), filed before until (zero: now) and as
// they then stood, with their milestones.
func (s *Service) archiveCommitments(ctx context.Context, tx *db.Tx, a *auth.Actor, personID int64, self bool, until time.Time) ([]*Commitment, error) {
	args := []any{personID}
	cond := ownCommitments
	if !until.IsZero() {
		cond += " AND c.created_at < " + db.Arg(&args, until.UnixMicro())
	}
	var all []*Commitment
	err := db.EachRow(ctx, tx, `SELECT `+commitmentCols+commitmentFrom+` WHERE `+cond+` ORDER BY c.year DESC, c.created_at, c.id`, args,
		func(scan func(...any) error) error {
			c, err := scanCommitment(scan)
			if err != nil {
				return err
			}
			all = append(all, c)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read the cadre's commitments: %w", err)
	}
	if err := fill(ctx, tx, all); err != nil {
		return nil, err
	}
	var out []*Commitment
	for _, c := range all {
		if self || s.pol.Authorize(a, auth.ActCommitmentRead, c.unitPath) == nil {
			out = append(out, c)
		}
	}
	if until.IsZero() {
		return out, nil
	}
	hs, err := histories(ctx, tx, personID)
	if err != nil {
		return nil, err
	}
	for _, c := range out {
		c.knownAt(hs[c.ID], until)
	}
	return out, nil
}

// history is when a commitment was first approved and when its first
// progress report and proof were filed (zero: not yet).
type history struct {
	approved, midyear, proved time.Time
}

// histories reads the histories of the commitments of cadre personID.
func histories(ctx context.Context, tx *db.Tx, personID int64) (map[int64]history, error) {
	out := map[int64]history{}
	err := db.EachRow(ctx, tx, `SELECT v.commitment_id, MIN(v.decided_at) FROM commitment_versions v
		JOIN commitments c ON c.id = v.commitment_id WHERE `+ownCommitments+` AND v.status = $2 GROUP BY v.commitment_id`,
		[]any{personID, string(VersionApproved)}, func(scan func(...any) error) error {
			var id, at int64
			if err := scan(&id, &at); err != nil {
				return err
			}
			h := out[id]
			h.approved = db.Micros(at)
			out[id] = h
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read the approvals: %w", err)
	}
	err = db.EachRow(ctx, tx, `SELECT r.commitment_id, r.stage, MIN(r.created_at) FROM commitment_reports r
		JOIN commitments c ON c.id = r.commitment_id WHERE `+ownCommitments+` GROUP BY r.commitment_id, r.stage`,
		[]any{personID}, func(scan func(...any) error) error {
			var id, at int64
			var st ReportStage
			if err := scan(&id, &st, &at); err != nil {
				return err
			}
			h := out[id]
			if st == ReportYearEnd {
				h.proved = db.Micros(at)
			} else {
				h.midyear = db.Micros(at)
			}
			out[id] = h
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read the reports: %w", err)
	}
	return out, nil
}

// knownAt sets c's status, stage and verdict to what they were before
// until, as far as the tables tell. A verdict stands only if c has not
// changed since it was recorded before until: a verdict recorded later is
// hidden, and so is an earlier one a later verification replaced. Short of
// that, c approved by then stands at the stage its reports filed by then
// give it — proved after a proof, midyear after a progress report — and
// c not yet approved reads as returned if it is returned now and has not
// changed since, else as awaiting review.
func (c *Commitment) knownAt(h history, until time.Time) {
	before := func(t time.Time) bool { return !t.IsZero() && t.Before(until) }
	switch {
	case c.Stage == StageVerified && before(c.UpdatedAt):
	case before(h.approved):
		c.Status, c.Stage, c.Verdict, c.VerdictReason = Approved, StageNone, "", ""
		if before(h.midyear) {
			c.Stage = StageMidyear
		}
		if before(h.proved) {
			c.Stage = StageProved
		}
	case c.Status == Returned && before(c.UpdatedAt):
	default:
		c.Status, c.Stage, c.Verdict, c.VerdictReason = Submitted, StageNone, "", ""
	}
}

// ratesOf is the delivery rate of each year with a verdict among cs,
// which come the newest year first.
func ratesOf(cs []*Commitment) []Rate {
	var out []Rate
	var vs []Verdict
	for i, c := range cs {
		if c.Stage == StageVerified {
			vs = append(vs, c.Verdict)
		}
		if (i+1 == len(cs) || cs[i+1].Year != c.Year) && len(vs) > 0 {
			out = append(out, Rate{Year: c.Year, Percent: rateOf(vs)})
			vs = nil
		}
	}
	return out
}
