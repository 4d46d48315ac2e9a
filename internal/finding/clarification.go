package finding

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Accusation is what a clarification found the finding to be.
type Accusation string

// The kinds of accusation a clarification clears.
const (
	AccusationFalse    Accusation = "false"    // 诬告: made knowing it untrue
	AccusationMistaken Accusation = "mistaken" // 错告: made in error
)

// Accusations lists the kinds in the order the interface shows them.
var Accusations = []Accusation{AccusationFalse, AccusationMistaken}

// Audience is to whom a clarification was published (范围).
type Audience string

// The audiences.
const (
	AudienceUnit   Audience = "unit"   // 本单位
	AudienceSystem Audience = "system" // 本系统
	AudiencePublic Audience = "public" // 公开
)

// Audiences lists the audiences from the narrowest.
var Audiences = []Audience{AudienceUnit, AudienceSystem, AudiencePublic}

// Clarification is the record that a finding was a false accusation (澄清
// 正名): it voids the finding for good and goes into the integrity
// archive (廉政档案) of each cadre the finding names.
type Clarification struct {
	FindingID int64
	Kind      Accusation
	// Alleged is what the finding alleged; Found what was found; Conclusion
	// the conclusion that clears the cadre or unit.
	Alleged, Found, Conclusion string
	// PublishedOn is the day the clarification was published,
	// 'YYYY-MM-DD', to Audience.
	PublishedOn string
	Audience    Audience
	RecorderID  int64
	// Recorder is the name of the user who recorded it, as then.
	Recorder  string
	CreatedAt time.Time
}

// Limits of a clarification's text.
const maxClarification = 2000

// problems checks the fields that need no database.
func (c *Clarification) problems(found string, now time.Time) errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	add(choice("kind", c.Kind == "", slices.Contains(Accusations, c.Kind)))
	add(errs.CheckText("alleged", "finding.clarification.alleged", "what was alleged", c.Alleged, maxClarification, true))
	add(errs.CheckText("found", "finding.clarification.found", "what was found", c.Found, maxClarification, true))
	add(errs.CheckText("conclusion", "finding.clarification.conclusion", "the conclusion", c.Conclusion, maxClarification, true))
	add(checkDay("published_on", "finding.clarification.published_on", c.PublishedOn, found, now))
	add(choice("audience", c.Audience == "", slices.Contains(Audiences, c.Audience)))
	return l
}

// Clarify records that finding id was a false accusation and voids it for
// good, in one transaction: the clarification, the status change and their
// audit events. The body that recorded the finding (ActFindingWrite) or
// the office of its unit (ActFindingClarify) may; a finding already voided
// refuses. An exempted finding may still be cleared: cleared says more
// than exempted. A review under way stops there: its later steps are
// refused.
func (s *Service) Clarify(ctx context.Context, a *auth.Actor, id int64, c Clarification) (*Clarification, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	c.Alleged, c.Found, c.Conclusion, c.PublishedOn = strings.TrimSpace(c.Alleged), strings.TrimSpace(c.Found),
		strings.TrimSpace(c.Conclusion), strings.TrimSpace(c.PublishedOn)
	var out *Clarification
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mayClarify(a, f); err != nil {
			return err
		}
		if f.Status == Voided {
			return open(f)
		}
		if l := c.problems(f.FoundOn, s.db.Clock()); len(l) > 0 {
			return l
		}
		c.FindingID, c.RecorderID, c.Recorder, c.CreatedAt = f.ID, a.UserID, a.Name, tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_clarifications (finding_id, kind, alleged, found, conclusion, published_on,
			audience, recorder_id, recorder_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, f.ID, c.Kind, c.Alleged,
			c.Found, c.Conclusion, c.PublishedOn, c.Audience, a.UserID, a.Name, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert clarification: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "finding.clarify", ObjectType: "finding", ObjectID: db.FormatID(f.ID),
			UnitPath: f.unitPath, After: map[string]any{"kind": c.Kind, "alleged": c.Alleged, "found": c.Found,
				"published_on": c.PublishedOn, "audience": c.Audience, "people": idStrings(f.PersonIDs())}, Reason: c.Conclusion}); err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, a, f, Voided, "finding.void", c.Conclusion); err != nil {
			return err
		}
		out = &c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mayClarify returns nil when a may clear f: as its body or as the office
// of its unit. NotFound for one who does not read it, Forbidden for one
// who does.
func (s *Service) mayClarify(a *auth.Actor, f *Finding) error {
	if err := s.mayRead(a, f); err != nil {
		return err
	}
	if s.pol.Authorize(a, auth.ActFindingWrite, f.bodyPath) == nil {
		return nil
	}
	return forbiddenIfRead(s.pol.Authorize(a, auth.ActFindingClarify, f.unitPath), auth.ActFindingClarify)
}

// clarificationsOf reads the clarifications of findings ids, by finding.
func clarificationsOf(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Clarification, error) {
	out := map[int64]*Clarification{}
	if len(ids) == 0 {
		return out, nil
	}
	var args []any
	err := db.EachRow(ctx, tx, `SELECT finding_id, kind, alleged, found, conclusion, published_on, audience, recorder_id, recorder_name,
		created_at
		FROM finding_clarifications WHERE finding_id IN (`+db.In(&args, ids)+`)`, args, func(scan func(...any) error) error {
		c := &Clarification{}
		var at int64
		if err := scan(&c.FindingID, &c.Kind, &c.Alleged, &c.Found, &c.Conclusion, &c.PublishedOn, &c.Audience, &c.RecorderID, &c.Recorder, &at); err != nil {
			return err
		}
		c.CreatedAt = db.Micros(at)
		out[c.FindingID] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read clarifications: %w", err)
	}
	return out, nil
}
