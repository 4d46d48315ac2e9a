package auth

import (
	"strings"

	"kaohe/internal/errs"
)

// Role is what a grant lets a user do; a user holds one or more grants,
// each a role in a unit's subtree.
type Role string

// The roles that sign in. Raters and the public never do.
const (
	RoleOffice     Role = "office"     // 考核办 / 组织部: runs the assessment in its jurisdiction
	RoleTeam       Role = "team"       // 考核组: field verification, judgements, interview notes
	RoleProvider   Role = "provider"   // 数据报送部门: submits the values of the data items it owns
	RoleSupervisor Role = "supervisor" // 监督部门: submits findings about units and cadres
	RoleCadre      Role = "cadre"      // 被考核干部: its own person and unit only
	RoleViewer     Role = "viewer"     // 领导: read-only dashboards and rankings
	// RoleServiceReview is the service-review administrator (好差评管理员)
	// of a unit's 政务服务中心: keeps its service items and cases and
	// answers its 差评 work orders, scoped like a data provider.
	RoleServiceReview Role = "service_review"
)

// Roles lists every role in the order the interface shows them.
var Roles = []Role{RoleOffice, RoleTeam, RoleProvider, RoleSupervisor, RoleCadre, RoleViewer, RoleServiceReview}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Action is something an actor does to an object in a unit.
type Action string

// The actions. A capability that adds objects adds its actions here and a
// row to matrix.
const (
	ActUnitRead    Action = "unit.read"
	ActUnitWrite   Action = "unit.write"
	ActPersonRead  Action = "person.read"
	ActPersonWrite Action = "person.write"
	// ActTeamRead reads who a unit's leadership team (领导班子) is: its
	// members' names and posts, not their person records. An assessed
	// cadre sees the team it belongs to and is assessed with.
	ActTeamRead   Action = "team.read"
	ActUserManage Action = "user.manage"
	ActAuditRead  Action = "audit.read"
	// ActSchemeRead reads assessment schemes, their versions and diffs, the
	// indicator library and the streamlining report.
	ActSchemeRead Action = "scheme.read"
	// ActSchemeWrite creates and edits schemes, versions and library
	// indicators.
	ActSchemeWrite Action = "scheme.write"

	// Data collection (internal/collect). ActItemWrite and ActValueSubmit
	// are checked on the unit that owns the data item (the provider
	// department); the others on the entity's unit, or on the region whose
	// collection status is asked for. See docs/decisions/0025-collect-scope.md.
	ActItemWrite     Action = "item.write"
	ActValueSubmit   Action = "value.submit"
	ActValueRead     Action = "value.read"
	ActValueVerify   Action = "value.verify"
	ActCollectStatus Action = "collect.status"

	// Democratic evaluation (internal/survey), checked on the organising
	// unit of the evaluation. ActEvalManage sets an evaluation or
	// satisfaction survey up, issues its ballot codes, opens and closes it
	// and follows participation; ActEvalResults reads the tallies of a
	// closed one.
	ActEvalManage  Action = "evaluation.manage"
	ActEvalResults Action = "evaluation.results"

	// Assessment cycles (internal/cycle), checked on the owner unit of a
	// cycle, or on the unit of an assessed entity for results.
	// ActCycleRead sees cycles and their dashboards; ActCycleManage makes
	// cycles, moves their stages and runs scoring; ActResultApprove
	// approves a snapshot, calibrates grades and publishes. ActResultRead
	// reads cadres' results and ActTeamResultRead units' (leadership
	// teams') results; before publication only readers who may also read
	// the cycle see them (the service checks). See
	// docs/decisions/0080-cycle-results-scope.md.
	ActCycleRead      Action = "cycle.read"
	ActCycleManage    Action = "cycle.manage"
	ActResultApprove  Action = "result.approve"
	ActResultRead     Action = "result.read"
	ActTeamResultRead Action = "result.team_read"

	// Field work of the assessment team (internal/fieldwork), checked on
	// the unit of the assessed entity (for a cadre, the unit of the post
	// it is assessed in). ActFieldWrite records verifications (实地核查),
	// interviews (个别谈话) and qualitative judgements (定性评价);
	// ActFieldRead reads the verifications, judgements and task lists;
	// ActInterviewRead reads interview records, which are confidential:
	// the team and the office only. ActValueCorrect corrects a collected
	// value that a verification found wrong, through collect's correction
	// path, on the entity the value is of. See
	// docs/decisions/0100-field-work.md.
	ActFieldRead     Action = "field.read"
	ActFieldWrite    Action = "field.write"
	ActInterviewRead Action = "interview.read"
	ActValueCorrect  Action = "value.correct"

	// Supervision findings (internal/finding). ActFindingWrite records,
	// edits and notifies findings and attaches their evidence; it is
	// checked on the supervisory body (监督机关) that records the finding —
	// the unit a supervisor is granted on, e.g. 青州市纪委监委 — so a body
	// reads and changes its own findings only, about units and cadres of
	// its jurisdiction (the region a department body belongs to, a region
	// body's own subtree). ActFindingRead reads findings, checked on the
	// unit a finding is about: the office every finding about its scope,
	// whichever body recorded it; a cadre (Self) the findings that name
	// her once they are notified to her. Findings are sensitive: no other
	// role reads them. See docs/decisions/0110-findings.md.
	ActFindingWrite Action = "finding.write"
	ActFindingRead  Action = "finding.read"

	// Reviews of findings (internal/finding, docs/decisions/
	// 0112-exemption-and-clarification.md). ActExemptionApply applies for
	// the exemption (容错免责) of a notified finding: a cadre (Self) for
	// herself when the finding names her, the office (checked on the
	// finding's unit) on behalf of a cadre it names or of the unit.
	// ActExemptionReview takes the review's steps after the application —
	// verifying the facts (核实), recording the collective study (集体
	// 研究), deciding (决定) and feeding the decision back (反馈) — and is
	// the office's alone, checked on the finding's unit. ActFindingClarify
	// lets the office establish that a finding about its jurisdiction was a
	// false accusation (澄清正名) and void it; the body that recorded the
	// finding does so by its ActFindingWrite.
	ActExemptionApply  Action = "exemption.apply"
	ActExemptionReview Action = "exemption.review"
	ActFindingClarify  Action = "finding.clarify"

	// Sanctions and their follow-up (internal/finding, docs/decisions/
	// 0114-sanctions-and-follow-ups.md). ActSanctionWrite records and
	// lifts a sanction (诫勉, 组织处理, 警告 … 撤职, 立案审查) of a cadre and
	// records the follow-up visits (跟踪回访, 谈心谈话) it schedules; it is
	// the office's, checked on the cadre's units. ActSanctionRead reads
	// them: the office in its scope and the cadre (Self) her own; nobody
	// else — sanctions are as sensitive as findings.
	ActSanctionWrite Action = "sanction.write"
	ActSanctionRead  Action = "sanction.read"

	// Use of results (internal/outcome, docs/decisions/0170-outcome-rules.md).
	// ActOutcomeRead reads the rules' proposals and the lifelong archive
	// (干部实绩档案) of the cadres of a scope: the office and the leaders
	// granted on it; the cadre (Self) her own archive. ActOutcomeDecide
	// edits the rules, runs them, decides proposals (采纳 / 不采纳) and
	// records handovers and past grades: the office's, checked on the
	// cadre's units. ActHandoverSign signs a handover: each cadre (Self)
	// her own side.
	ActOutcomeRead   Action = "outcome.read"
	ActOutcomeDecide Action = "outcome.decide"
	ActHandoverSign  Action = "handover.sign"
	// Commitments, the work ledger and monitoring (internal/track,
	// docs/decisions/0140-commitments.md). ActCommitmentRead reads the
	// 亮晒 board of a jurisdiction: every role in scope, a cadre her
	// unit's. ActCommitmentWrite files and changes a cadre's own
	// commitments and reports their progress and proof (the office on her
	// behalf), checked on the person; ActTeamCommitmentWrite does so for
	// a leadership team, checked on the unit: its cadres and the office.
	// ActCommitmentReview returns or approves commitments and their
	// changes: the office's alone. ActCommitmentVerify records the
	// year-end verdict: the assessment team's. ActLedgerWrite and
	// ActLedgerRead keep and read the work ledger (工作台账) of a unit and
	// its cadres; ActMonitorWrite sets target trajectories and explains
	// alerts (the office), ActMonitorRead reads them. ActSelfAssess writes a
	// cadre's own 述职/自评, ActSelfAssessRead reads it: the office and the
	// team beside the numbers, the cadre her own.
	ActCommitmentRead      Action = "commitment.read"
	ActCommitmentWrite     Action = "commitment.write"
	ActTeamCommitmentWrite Action = "commitment.team_write"
	ActCommitmentReview    Action = "commitment.review"
	ActCommitmentVerify    Action = "commitment.verify"
	ActLedgerRead          Action = "ledger.read"
	ActLedgerWrite         Action = "ledger.write"
	ActMonitorRead         Action = "monitor.read"
	ActMonitorWrite        Action = "monitor.write"
	ActSelfAssess          Action = "self_assessment.write"
	ActSelfAssessRead      Action = "self_assessment.read"
	// 政务服务"好差评" (internal/review, docs/decisions/0130-service-reviews.md),
	// checked on the unit whose service items, cases and work orders they
	// are. ActServiceWrite keeps the unit's service items and cases,
	// answers its 差评 work orders and appeals a review as 恶意/误评;
	// ActServiceRead reads them, its reviews and metrics; ActServiceDecide
	// is the office's: it decides appeals and flagged reviews, keeps the
	// holiday calendar and the review scheme, and publishes the metrics.
	ActServiceWrite  Action = "service.write"
	ActServiceRead   Action = "service.read"
	ActServiceDecide Action = "service.decide"
	// Feedback (internal/feedback, docs/decisions/0150-feedback.md).
	// ActFeedbackRead reads a cadre's feedback report and rectification
	// tasks: the office in its scope and the cadre (Self) her own;
	// ActTeamFeedbackRead a team's: the office and the unit's cadres
	// (Unit). ActFeedbackDraft edits a draft's recommendations: the office
	// and the 考核组. ActFeedbackRelease releases reports, makes and
	// verifies rectification tasks and answers appeals: the office's.
	// ActAppealFile and ActTeamAppealFile file an appeal against a cadre's
	// or a team's result: the cadre herself, the unit's cadres.
	ActFeedbackRead     Action = "feedback.read"
	ActTeamFeedbackRead Action = "feedback.team_read"
	ActFeedbackDraft    Action = "feedback.draft"
	ActFeedbackRelease  Action = "feedback.release"
	ActAppealFile       Action = "appeal.file"
	ActTeamAppealFile   Action = "appeal.team_file"
)

// Reach is how far a grant carries an action from the grant's unit.
type Reach uint8

// The reaches, from none to the whole subtree.
const (
	// None: the role may not do the action at all.
	None Reach = iota
	// Self: only on the actor's own person record (the cadre's "only myself").
	Self
	// Unit: on the grant's unit itself, not on its sub-units.
	Unit
	// Subtree: on the grant's unit and everything below it.
	Subtree
)

// matrix is the one place that says which role may do which action, and
// how far. A role absent from an action's row may not do it.
var matrix = map[Action]map[Role]Reach{
	ActUnitRead: {
		RoleOffice: Subtree, RoleTeam: Subtree, RoleProvider: Subtree,
		RoleSupervisor: Subtree, RoleCadre: Unit, RoleViewer: Subtree,
		RoleServiceReview: Subtree,
	},
	ActUnitWrite: {RoleOffice: Subtree},
	ActPersonRead: {
		RoleOffice: Subtree, RoleTeam: Subtree, RoleSupervisor: Subtree,
		RoleCadre: Self, RoleViewer: Subtree,
	},
	ActPersonWrite: {RoleOffice: Subtree},
	ActTeamRead: {
		RoleOffice: Subtree, RoleTeam: Subtree, RoleSupervisor: Subtree,
		RoleCadre: Unit, RoleViewer: Subtree,
	},
	ActUserManage: {RoleOffice: Subtree},
	ActAuditRead:  {RoleOffice: Subtree},
	// Schemes belong to the unit whose office sets them. Providers,
	// supervisors and cadres see the indicators that concern them through
	// their own pages (collection, findings, results), not the scheme
	// editor; see docs/decisions/0060-scheme-permissions.md.
	ActSchemeRead:  {RoleOffice: Subtree, RoleTeam: Subtree, RoleViewer: Subtree},
	ActSchemeWrite: {RoleOffice: Subtree},
	// A provider submits the items its department owns; the office of a
	// region may submit on behalf of the departments under it.
	ActItemWrite:   {RoleOffice: Subtree},
	ActValueSubmit: {RoleOffice: Subtree, RoleProvider: Subtree},
	ActValueRead: {
		RoleOffice: Subtree, RoleTeam: Subtree, RoleCadre: Unit, RoleViewer: Subtree,
	},
	ActValueVerify:   {RoleOffice: Subtree},
	ActCollectStatus: {RoleOffice: Subtree, RoleViewer: Subtree},
	ActEvalManage:    {RoleOffice: Subtree},
	ActEvalResults:   {RoleOffice: Subtree, RoleTeam: Subtree, RoleViewer: Subtree},
	// Cycles are run by the office; the assessment team and leaders follow
	// them. An assessed cadre sees its own published results only, an
	// assessed unit's cadres the published results of their unit's team.
	ActCycleRead:      {RoleOffice: Subtree, RoleTeam: Subtree, RoleViewer: Subtree},
	ActCycleManage:    {RoleOffice: Subtree},
	ActResultApprove:  {RoleOffice: Subtree},
	ActResultRead:     {RoleOffice: Subtree, RoleTeam: Subtree, RoleViewer: Subtree, RoleCadre: Self},
	ActTeamResultRead: {RoleOffice: Subtree, RoleTeam: Subtree, RoleViewer: Subtree, RoleCadre: Unit},
	// The team records its field work; the office and leaders follow it,
	// but only the team and the office read what interviewees said.
	ActFieldRead:     {RoleOffice: Subtree, RoleTeam: Subtree, RoleViewer: Subtree},
	ActFieldWrite:    {RoleTeam: Subtree},
	ActInterviewRead: {RoleOffice: Subtree, RoleTeam: Subtree},
	ActValueCorrect:  {RoleTeam: Subtree},
	// A supervisory body records its findings; the office follows every
	// finding about its jurisdiction; a cadre reads those notified to her.
	ActFindingWrite: {RoleSupervisor: Subtree},
	ActFindingRead:  {RoleOffice: Subtree, RoleCadre: Self},
	// A cadre applies for the exemption of a finding that names her, the
	// office on her behalf or the unit's; only the office reviews, and the
	// office (or the recording body, by ActFindingWrite) clears a false
	// accusation.
	ActExemptionApply:  {RoleOffice: Subtree, RoleCadre: Self},
	ActExemptionReview: {RoleOffice: Subtree},
	ActFindingClarify:  {RoleOffice: Subtree},
	// The office records sanctions and their follow-up; the cadre reads
	// her own.
	ActSanctionWrite: {RoleOffice: Subtree},
	ActSanctionRead:  {RoleOffice: Subtree, RoleCadre: Self},
	// The office proposes and decides; leaders granted on the scope read;
	// a cadre reads her own archive and signs her own handovers.
	ActOutcomeRead:   {RoleOffice: Subtree, RoleViewer: Subtree, RoleCadre: Self},
	ActOutcomeDecide: {RoleOffice: Subtree},
	ActHandoverSign:  {RoleCadre: Self},
	// Commitments are public in scope (公开亮晒); each owner writes its
	// own, the office reviews, the team verifies.
	ActCommitmentRead: {
		RoleOffice: Subtree, RoleTeam: Subtree, RoleProvider: Subtree,
		RoleSupervisor: Subtree, RoleCadre: Unit, RoleViewer: Subtree,
	},
	ActCommitmentWrite:     {RoleOffice: Subtree, RoleCadre: Self},
	ActTeamCommitmentWrite: {RoleOffice: Subtree, RoleCadre: Unit},
	ActCommitmentReview:    {RoleOffice: Subtree},
	ActCommitmentVerify:    {RoleTeam: Subtree},
	ActLedgerRead:          {RoleOffice: Subtree, RoleTeam: Subtree, RoleCadre: Unit, RoleViewer: Subtree},
	ActLedgerWrite:         {RoleOffice: Subtree, RoleCadre: Unit},
	ActMonitorRead:         {RoleOffice: Subtree, RoleTeam: Subtree, RoleCadre: Unit, RoleViewer: Subtree},
	ActMonitorWrite:        {RoleOffice: Subtree},
	ActSelfAssess:          {RoleCadre: Self},
	ActSelfAssessRead:      {RoleOffice: Subtree, RoleTeam: Subtree, RoleCadre: Self},
	// The office and a unit's service-review administrator keep its
	// service items, cases and work orders; leaders read them; the office
	// alone decides.
	ActServiceWrite:  {RoleOffice: Subtree, RoleServiceReview: Subtree},
	ActServiceRead:   {RoleOffice: Subtree, RoleServiceReview: Subtree, RoleViewer: Subtree},
	ActServiceDecide: {RoleOffice: Subtree},
	// Only the owner and the office read a report and its tasks; the
	// 考核组 edits drafts; the office releases and answers; the owner
	// appeals.
	ActFeedbackRead:     {RoleOffice: Subtree, RoleCadre: Self},
	ActTeamFeedbackRead: {RoleOffice: Subtree, RoleCadre: Unit},
	ActFeedbackDraft:    {RoleOffice: Subtree, RoleTeam: Subtree},
	ActFeedbackRelease:  {RoleOffice: Subtree},
	ActAppealFile:       {RoleCadre: Self},
	ActTeamAppealFile:   {RoleCadre: Unit},
}

// kinds groups the actions by the kind of object they act on. Whoever may
// do one action of a kind on an object knows the object is there; whoever
// may do none must not learn it: a refused action answers Forbidden for
// the first and NotFound for the second (decision 0161). The actions of no
// kind (audit.read, collect.status) refuse a kind of work, not an object:
// they answer Forbidden wherever the actor sees the unit at all. Data
// items are known to who manages them and to the providers who submit
// their values (both checked on the owning department).
var kinds = [][]Action{
	{ActUnitRead, ActUnitWrite},
	{ActPersonRead, ActPersonWrite},
	{ActTeamRead},
	{ActUserManage},
	{ActItemWrite, ActValueSubmit},
	{ActSchemeRead, ActSchemeWrite},
	{ActValueRead, ActValueVerify, ActValueCorrect},
	{ActEvalManage, ActEvalResults},
	{ActCycleRead, ActCycleManage, ActResultApprove},
	{ActResultRead, ActTeamResultRead},
	{ActFieldRead, ActFieldWrite, ActInterviewRead},
	{ActFindingWrite, ActFindingRead, ActExemptionApply, ActExemptionReview, ActFindingClarify},
	{ActSanctionWrite, ActSanctionRead},
	{ActOutcomeRead, ActOutcomeDecide, ActHandoverSign},
	{ActCommitmentRead, ActCommitmentWrite, ActTeamCommitmentWrite, ActCommitmentReview, ActCommitmentVerify},
	{ActLedgerRead, ActLedgerWrite},
	{ActMonitorRead, ActMonitorWrite},
	{ActSelfAssess, ActSelfAssessRead},
	{ActServiceWrite, ActServiceRead, ActServiceDecide},
	{ActFeedbackRead, ActTeamFeedbackRead, ActFeedbackDraft, ActFeedbackRelease, ActAppealFile, ActTeamAppealFile},
}

// kindOf is the kind of each action of kinds: the actions of its kind.
var kindOf = func() map[Action][]Action {
	m := map[Action][]Action{}
	for _, k := range kinds {
		for _, a := range k {
			m[a] = k
		}
	}
	return m
}()

// Actions lists every action of the matrix in a stable order.
func Actions() []Action {
	return []Action{ActUnitRead, ActUnitWrite, ActPersonRead, ActPersonWrite, ActTeamRead, ActUserManage, ActAuditRead,
		ActSchemeRead, ActSchemeWrite,
		ActItemWrite, ActValueSubmit, ActValueRead, ActValueVerify, ActCollectStatus,
		ActEvalManage, ActEvalResults,
		ActCycleRead, ActCycleManage, ActResultApprove, ActResultRead, ActTeamResultRead,
		ActFieldRead, ActFieldWrite, ActInterviewRead, ActValueCorrect,
		ActFindingWrite, ActFindingRead, ActExemptionApply, ActExemptionReview, ActFindingClarify,
		ActSanctionWrite, ActSanctionRead,
		ActOutcomeRead, ActOutcomeDecide, ActHandoverSign,
		ActCommitmentRead, ActCommitmentWrite, ActTeamCommitmentWrite, ActCommitmentReview, ActCommitmentVerify,
		ActLedgerRead, ActLedgerWrite, ActMonitorRead, ActMonitorWrite, ActSelfAssess, ActSelfAssessRead,
		ActServiceWrite, ActServiceRead, ActServiceDecide,
		ActFeedbackRead, ActTeamFeedbackRead, ActFeedbackDraft, ActFeedbackRelease, ActAppealFile, ActTeamAppealFile}
}

// ReachOf returns how far role carries action.
func ReachOf(role Role, action Action) Reach { return matrix[action][role] }

// Policy answers every "may this actor do this action on this object"
// question. The zero value is ready to use.
//
// An object the actor may do nothing of its kind to answers NotFound, so
// that probing reveals nothing; an object the actor may read, or act on
// otherwise, but not act on so answers Forbidden (kinds).
type Policy struct{}

// Error keys of the policy's answers.
const (
	KeyNotFound  = errs.KeyNotFound
	KeyForbidden = "error.forbidden"
	KeySignedOut = "auth.signed_out"
)

func notFound() error {
	return errs.New(errs.NotFound, KeyNotFound, "not found")
}

func forbidden(a Action) error {
	e := errs.New(errs.Forbidden, KeyForbidden, "not allowed: "+string(a))
	e.Args = map[string]any{"action": string(a)}
	return e
}

func signedOut() error {
	return errs.New(errs.Unauthorized, KeySignedOut, "not signed in")
}

// Authorize returns nil when a may do action on an object in the unit at
// unitPath ("/12/345/"), a NotFound error when no grant allows any action
// of its kind there, a Forbidden error when one does but none allows this
// action, and Unauthorized for a nil actor.
func (Policy) Authorize(a *Actor, action Action, unitPath string) error {
	return authorize(a, action, 0, []string{unitPath})
}

// RequireAny returns nil when a may do action somewhere, and otherwise
// refuses a kind of work, not an object: Forbidden for an actor with a
// grant, NotFound for one without, Unauthorized for a nil actor. Lists and
// forms without an object check with it (decision 0161).
func (p Policy) RequireAny(a *Actor, action Action) error {
	if a == nil {
		return signedOut()
	}
	if !p.Scope(a, action).Empty() {
		return nil
	}
	if len(a.Grants) == 0 {
		return notFound()
	}
	return forbidden(action)
}

// AuthorizePerson is Authorize for a person: personID is the person and
// unitPaths the units of its posts (current ones, or every unit in its
// history, as the caller's object demands). A Self reach allows the actor's
// own person whatever its units; other reaches need one of unitPaths in
// reach.
func (Policy) AuthorizePerson(a *Actor, action Action, personID int64, unitPaths []string) error {
	return authorize(a, action, personID, unitPaths)
}

func authorize(a *Actor, action Action, personID int64, paths []string) error {
	if a == nil {
		return signedOut()
	}
	if a.System {
		return nil
	}
	self := personID != 0 && a.PersonID == personID
	seen := false
	for _, g := range a.Grants {
		if covers(g, ReachOf(g.Role, action), self, paths) {
			return nil
		}
		if !seen && sees(g, action, self, paths) {
			seen = true
		}
	}
	if seen {
		return forbidden(action)
	}
	return notFound()
}

// sees reports whether grant g lets its holder know that the object of
// action is there: some action of its kind reaches it, or, for an action
// of no kind, some action of g's role reaches the object's unit.
func sees(g Grant, action Action, self bool, paths []string) bool {
	if k, ok := kindOf[action]; ok {
		for _, other := range k {
			if covers(g, ReachOf(g.Role, other), self, paths) {
				return true
			}
		}
		return false
	}
	for _, row := range matrix {
		if covers(g, row[g.Role], self, paths) {
			return true
		}
	}
	return false
}

// covers reports whether reach r from grant g includes the object: the
// actor's own person (self, for a Self reach) or one of its unit paths.
func covers(g Grant, r Reach, self bool, paths []string) bool {
	switch r {
	case Self:
		return self
	case Unit:
		for _, p := range paths {
			if p != "" && p == g.UnitPath {
				return true
			}
		}
	case Subtree:
		for _, p := range paths {
			if g.UnitPath != "" && strings.HasPrefix(p, g.UnitPath) {
				return true
			}
		}
	}
	return false
}

// Scope is where an actor may do an action, for list queries: objects in
// the subtree of any of Subtrees, or in exactly one of Units, or — with All —
// anywhere. Person actions with Self reach are not in Scope; the caller
// adds the actor's own person (Actor.PersonID) when the reach allows it.
type Scope struct {
	All      bool
	Subtrees []string
	Units    []string
	// Self is true when a grant with Self reach lets the actor do the action
	// on its own person (Actor.PersonID), wherever that person's units are.
	Self bool
}

// Empty reports whether the scope contains nothing.
func (s Scope) Empty() bool {
	return !s.All && len(s.Subtrees) == 0 && len(s.Units) == 0 && !s.Self
}

// Contains reports whether the unit at path is in the scope.
func (s Scope) Contains(path string) bool {
	if s.All {
		return true
	}
	for _, u := range s.Units {
		if path == u {
			return true
		}
	}
	for _, p := range s.Subtrees {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// Scope returns where a may do action.
func (Policy) Scope(a *Actor, action Action) Scope {
	var s Scope
	if a == nil {
		return s
	}
	if a.System {
		s.All = true
		s.Self = a.PersonID != 0
		return s
	}
	for _, g := range a.Grants {
		switch ReachOf(g.Role, action) {
		case Subtree:
			if g.UnitPath != "" {
				s.Subtrees = append(s.Subtrees, g.UnitPath)
			}
		case Unit:
			if g.UnitPath != "" {
				s.Units = append(s.Units, g.UnitPath)
			}
		case Self:
			s.Self = s.Self || a.PersonID != 0
		}
	}
	s.Subtrees = outermost(s.Subtrees)
	var units []string
	for _, u := range s.Units {
		if !(Scope{Subtrees: s.Subtrees}).Contains(u) {
			units = append(units, u)
		}
	}
	s.Units = units
	return s
}

// Scopes returns the path prefixes of the subtrees where a may do action,
// for list queries ("/" when a is the system, which matches every path).
// Grants that reach a single unit (a cadre's own unit) are not prefixes and
// are left out; use Scope to include them.
func (p Policy) Scopes(a *Actor, action Action) []string {
	s := p.Scope(a, action)
	if s.All {
		return []string{"/"}
	}
	return s.Subtrees
}

// outermost drops paths that lie inside another path of the list, and
// duplicates.
func outermost(paths []string) []string {
	var out []string
	for i, p := range paths {
		inner := false
		for j, q := range paths {
			if i != j && strings.HasPrefix(p, q) && (p != q || j < i) {
				inner = true
				break
			}
		}
		if !inner {
			out = append(out, p)
		}
	}
	return out
}
