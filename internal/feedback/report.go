package feedback

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// Status is where a report is.
type Status string

// The statuses, in order.
const (
	Draft    Status = "draft"    // drafted; the 考核组 edits its recommendations
	Released Status = "released" // released to its owner by the office
	Received Status = "received" // signed for (签收) by its owner
)

// Report is the feedback report of one entity of a published snapshot.
type Report struct {
	ID, CycleID, SnapshotID int64
	// Entity is the cycle's engine ID; PersonID 0 for a team.
	Entity           string
	UnitID, PersonID int64
	UnitPath, Name   string
	// DocNo is the 文号, e.g. 青组考反〔2025〕3号.
	DocNo  string
	Status Status
	// Content is what the report was drafted from.
	Content Content
	// Recommendations are the 考核组's recommendations, one per entry.
	Recommendations []string
	CreatedAt       time.Time
	// ReleasedAt and ReceivedAt are zero until then; ReleasedBy and
	// ReceivedBy name the users as the audit log does.
	ReleasedAt, ReceivedAt time.Time
	ReleasedBy, ReceivedBy string
	// Loaded by Service.Report:
	CycleName string
	// Superseded is the number of the snapshot version that replaced the
	// report's snapshot, 0 when it is current.
	Superseded int
	// AppealUntil is the last moment an appeal is accepted; AppealOpen
	// whether it is still ahead, and Today the day, at the read.
	AppealUntil time.Time
	AppealOpen  bool
	Today       string
	Tasks       []*Task
	Appeals     []*Appeal
	// Carried are the open tasks of the entity's earlier reports (结转).
	Carried []*Task
	// Names gives the display name of each user the report names by
	// login (who released, signed, appealed, answered, reported).
	Names map[string]string
}

// Team reports whether the report is about a leadership team.
func (r *Report) Team() bool { return r.PersonID == 0 }

// Content is a report's substance as drafted from the snapshot.
type Content struct {
	// Owner names the unit whose office runs the cycle and issues the
	// report.
	Owner             string
	CycleName, Period string
	Group             string
	Total             float64
	Base, Bonus       float64
	Deduction         float64
	Rank, GroupSize   int
	RankP05, RankP95  int
	Grade             string
	// Radar are the dimensions against the group median.
	Radar []Axis
	// Achievements and Problems are the points the report makes.
	Achievements []Point
	Problems     []Point
	// PreviousCycle names the cycle the changes compare with; "" for none.
	PreviousCycle string
	// Indicators are the scheme's leaves, which an appeal may name.
	Indicators []Indicator
}

// Indicator is a leaf of the scheme with the entity's raw value.
type Indicator struct {
	Code, Name, Unit string
	Value            score.Num
}

// Axis is a dimension of the radar.
type Axis struct {
	Name                string
	Score, Median, Mean score.Num
}

// PointKind is what a point of a report is about.
type PointKind string

// The kinds of points.
const (
	// AboveGroup: an indicator at or above the group's third quartile.
	AboveGroup PointKind = "above_group"
	// DimensionAbove: a dimension above the group median.
	DimensionAbove PointKind = "dimension_above"
	// BonusPoints: a bonus item that added points.
	BonusPoints PointKind = "bonus"
	// BelowGroup: an indicator below the group's first quartile.
	BelowGroup PointKind = "below_group"
	// Declined: an indicator worse than in the previous cycle and below the
	// group median.
	Declined PointKind = "declined"
	// FindingDeduction: a finding that took points off.
	FindingDeduction PointKind = "finding"
	// Deduction: a deduction item that took points off.
	Deduction PointKind = "deduction"
	// Undelivered: a commitment of the year verified 未完成; Name is its
	// title, Note the verdict's reason.
	Undelivered PointKind = "undelivered"
	// PartlyDelivered: a commitment verified 基本完成.
	PartlyDelivered PointKind = "partly_delivered"
	// RaterGroupLow: a rater group of at least the minimum size rated a
	// qualitative indicator markedly worse (RaterGap) than the raters
	// together; Note names the group, Value is its rating, Score the
	// combined rating and Raters its size.
	RaterGroupLow PointKind = "rater_group_low"
)

// RaterGap is how much worse than the combined rating a rater group's
// must be to be a problem: a tenth of it.
const RaterGap = 0.1

// Point is one achievement or problem: its kind, the indicator and the
// figures that make it concrete. The interface words it from Kind.
type Point struct {
	Kind PointKind
	// Indicator is the indicator's (or dimension's) code, Name its name
	// and Unit the unit of its raw value ("%", "万元"; "" for none).
	Indicator, Name, Unit string
	// Value is the raw value, Score the normalised score and Median the
	// group median of the score; Previous the raw value in the previous
	// cycle and Change Value − Previous; Points the points a line added or
	// took off. Unused figures are NaN.
	Value, Score, Median, Previous, Change, Points score.Num
	// Note is a finding's title, when the report's readers may read it,
	// the reason of a commitment's verdict, or a rater group's name.
	Note string
	// Raters is the size of a rater group (RaterGroupLow), 0 otherwise.
	Raters int `json:",omitempty"`
}

const reportCols = `id, cycle_id, snapshot_id, entity, unit_id, person_id, unit_path, name, doc_no, status, content, recommendations,
	created_at, released_at, released_by, received_at, received_by`

func scanReport(r interface{ Scan(...any) error }) (*Report, error) {
	var x Report
	var content, recs string
	var created, released, received int64
	if err := r.Scan(&x.ID, &x.CycleID, &x.SnapshotID, &x.Entity, &x.UnitID, &x.PersonID, &x.UnitPath, &x.Name, &x.DocNo, &x.Status,
		&content, &recs, &created, &released, &x.ReleasedBy, &received, &x.ReceivedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(content), &x.Content); err != nil {
		return nil, fmt.Errorf("report %d content: %w", x.ID, err)
	}
	if err := json.Unmarshal([]byte(recs), &x.Recommendations); err != nil {
		return nil, fmt.Errorf("report %d recommendations: %w", x.ID, err)
	}
	x.CreatedAt = db.Micros(created)
	if released != 0 {
		x.ReleasedAt = db.Micros(released)
	}
	if received != 0 {
		x.ReceivedAt = db.Micros(received)
	}
	return &x, nil
}

// getReport reads report id; NotFound when there is none.
func getReport(ctx context.Context, tx *db.Tx, id int64) (*Report, error) {
	r, err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportCols+` FROM feedback_reports WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("report")
	}
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	return r, nil
}

// readAction is the action that reads r: a cadre's or a team's.
func (r *Report) readAction() auth.Action {
	if r.Team() {
		return auth.ActTeamFeedbackRead
	}
	return auth.ActFeedbackRead
}

// authorize checks that a may do action on report r: on the cadre for a
// cadre's report (so that a Self reach is hers alone), on the unit for a
// team's.
func (s *Service) authorize(a *auth.Actor, action auth.Action, r *Report) error {
	if r.Team() {
		return s.pol.Authorize(a, action, r.UnitPath)
	}
	return s.pol.AuthorizePerson(a, action, r.PersonID, []string{r.UnitPath})
}

// readable reads report id for a: the office in its scope reads every
// report, drafts included; the 考核组 reads drafts; the owner reads its
// report once released.
func (s *Service) readable(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Report, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	r, err := getReport(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if r.Status == Draft {
		// The office and the 考核组 work on drafts; the owner waits.
		if !s.mayDraft(a, r) {
			return nil, notFound("report")
		}
		return r, nil
	}
	if err := s.authorize(a, r.readAction(), r); err != nil {
		return nil, err
	}
	return r, nil
}

// mayDraft reports whether a sees and edits r's draft: the office and
// the 考核组.
func (s *Service) mayDraft(a *auth.Actor, r *Report) bool {
	return s.pol.Authorize(a, auth.ActFeedbackDraft, r.UnitPath) == nil
}

// MayRelease reports whether a releases r, makes and verifies its tasks
// and answers its appeals: the office in scope.
func (s *Service) MayRelease(a *auth.Actor, r *Report) bool {
	return s.pol.Authorize(a, auth.ActFeedbackRelease, r.UnitPath) == nil
}

// MayDraft reports whether a edits r's recommendations while it is a draft.
func (s *Service) MayDraft(a *auth.Actor, r *Report) bool {
	return r.Status == Draft && s.mayDraft(a, r)
}

// IsOwner reports whether a is r's owner: the cadre herself, or a cadre
// of the team's unit — who signs for it, reports progress and appeals.
func (s *Service) IsOwner(a *auth.Actor, r *Report) bool {
	return s.authorize(a, r.appealAction(), r) == nil
}

func (r *Report) appealAction() auth.Action {
	if r.Team() {
		return auth.ActTeamAppealFile
	}
	return auth.ActAppealFile
}
