// Package finding holds supervision findings (发现问题 / 问题线索): what a
// supervisory body — 督查, 巡视巡察, 审计, 信访, 纪检监察, 统计督察 — found
// about a unit of its jurisdiction and the cadres it names, with a date, a
// category, a severity, the body's reference (e.g. a 巡察反馈意见 number),
// a description and evidence files. A body records its findings by form,
// Excel workbook or the API, edits them while they are active and notifies
// them to those they name; the assessment office reads every finding about
// its jurisdiction; a cadre reads the findings that name her once they are
// notified. Cycles read the findings dated in their period through
// Records.
//
// A finding's history is the audit log: every change is recorded with its
// before, after and reason in the change's transaction
// (docs/decisions/0110-findings.md).
package finding

import (
	"slices"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// Service records and reads findings. Each method checks the actor
// against the policy, runs in one transaction and records an audit event
// for every change.
type Service struct {
	db  *db.DB
	pol auth.Policy
	// periods are the effect periods of sanctions, months by kind; nil
	// for DefaultPeriods (SetPeriods).
	periods map[SanctionKind]int
}

// NewService returns a Service on d that asks pol who may do what.
func NewService(d *db.DB, pol auth.Policy) *Service {
	return &Service{db: d, pol: pol}
}

// Source is the kind of supervision a finding comes from.
type Source string

// The sources.
const (
	SourceInspection Source = "inspection" // 督查
	SourcePatrol     Source = "patrol"     // 巡视巡察
	SourceAudit      Source = "audit"      // 审计
	SourcePetition   Source = "petition"   // 信访
	SourceDiscipline Source = "discipline" // 纪检监察
	SourceStatistics Source = "statistics" // 统计督察
)

// Sources lists the sources in the order the interface shows them.
var Sources = []Source{SourceInspection, SourcePatrol, SourceAudit, SourcePetition, SourceDiscipline, SourceStatistics}

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return slices.Contains(Sources, s) }

// Category is what a finding is about; the scheme's deduction rules are
// written per category and severity.
type Category string

// The categories.
const (
	CategoryIntegrity   Category = "integrity"   // 党风廉政
	CategoryWorkStyle   Category = "work_style"  // 作风建设
	CategorySafety      Category = "safety"      // 安全生产
	CategoryEnvironment Category = "environment" // 生态环保
	CategoryStability   Category = "stability"   // 信访稳定
	CategoryFinance     Category = "finance"     // 财经纪律
	CategoryStatistics  Category = "statistics"  // 统计数据质量
	CategoryTasks       Category = "tasks"       // 重点任务落实
)

// Categories lists the categories in the order the interface shows them:
// the scheme's own list, which deduction rules are written on, so that a
// finding never has a category no rule can name.
var Categories = codes[Category](scheme.FindingCategories())

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Severity is how grave a finding is.
type Severity string

// The severities, from the lightest.
const (
	SeverityMinor  Severity = "minor"  // 一般
	SeverityMajor  Severity = "major"  // 较重
	SeveritySevere Severity = "severe" // 严重
)

// Severities lists the severities from the lightest, as the scheme's
// rules do.
var Severities = codes[Severity](scheme.FindingSeverities())

// codes converts the scheme's codes to a code type of this package.
func codes[T ~string](ss []string) []T {
	out := make([]T, len(ss))
	for i, s := range ss {
		out[i] = T(s)
	}
	return out
}

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return slices.Contains(Severities, s) }

// Status is the state of a finding, as the scoring engine reads it: an
// active finding counts; an exempted (容错免责) or voided (澄清正名) one
// counts nothing but is listed in explanations.
type Status string

// The statuses, the engine's words.
const (
	Active   = Status(score.Active)
	Exempted = Status(score.Exempted)
	Voided   = Status(score.Voided)
)

// Statuses lists the statuses.
var Statuses = []Status{Active, Exempted, Voided}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// The Chinese labels of the codes, for workbooks (the pages take theirs
// from the locale files, under finding.source., finding.category.,
// finding.severity. and finding.status.).
var (
	sourceLabels = map[Source]string{SourceInspection: "督查", SourcePatrol: "巡视巡察", SourceAudit: "审计", SourcePetition: "信访",
		SourceDiscipline: "纪检监察", SourceStatistics: "统计督察"}
	categoryLabels = map[Category]string{CategoryIntegrity: "党风廉政", CategoryWorkStyle: "作风建设", CategorySafety: "安全生产",
		CategoryEnvironment: "生态环保", CategoryStability: "信访稳定", CategoryFinance: "财经纪律", CategoryStatistics: "统计数据质量",
		CategoryTasks: "重点任务落实"}
	severityLabels = map[Severity]string{SeverityMinor: "一般", SeverityMajor: "较重", SeveritySevere: "严重"}
	statusLabels   = map[Status]string{Active: "有效", Exempted: "已免责", Voided: "已澄清"}
)

// Finding is a supervision finding.
type Finding struct {
	ID int64
	// BodyID is the supervisory body that recorded the finding; Body its
	// name (loaded).
	BodyID int64
	Body   string
	Source Source
	// Category and Severity classify what was found.
	Category Category
	Severity Severity
	// FoundOn is the day of the finding, 'YYYY-MM-DD': the day that dates
	// it into a cycle's period.
	FoundOn string
	// Reference is the body's document number (巡察反馈意见 number, 审计
	// 报告 number), "" for none.
	Reference   string
	Title       string
	Description string
	// UnitID is the unit the finding is about; Unit and UnitCode describe
	// it (loaded).
	UnitID         int64
	Unit, UnitCode string
	Status         Status
	// NotifiedOn is the day the finding was notified to those it names,
	// "" until then; a cadre reads it from that day.
	NotifiedOn string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// People are the cadres the finding names, by name (loaded).
	People []Named
	// TransferStatus is the status of the finding's latest transfer to
	// another body, TransferTo that body's name; "" when it was never
	// transferred (loaded).
	TransferStatus TransferStatus
	TransferTo     string
	// unitPath and bodyPath are the paths the policy judges the finding by;
	// receivers the paths of the bodies it was transferred to.
	unitPath, bodyPath string
	receivers          []string
}

// Named is a cadre a finding names.
type Named struct {
	ID int64
	// Name is the person's name, Unit the name of the unit the person is
	// placed in.
	Name, Unit string
}

// Notified reports whether the finding has been notified.
func (f *Finding) Notified() bool { return f.NotifiedOn != "" }

// names reports whether the finding names person id.
func (f *Finding) names(id int64) bool {
	return slices.ContainsFunc(f.People, func(n Named) bool { return n.ID == id })
}

// PersonIDs returns the ids of the people named.
func (f *Finding) PersonIDs() []int64 {
	out := make([]int64, len(f.People))
	for i, n := range f.People {
		out[i] = n.ID
	}
	return out
}

// summary is the finding as the audit log records it.
func (f *Finding) summary() map[string]any {
	return map[string]any{"body_unit_id": db.FormatID(f.BodyID), "source": f.Source, "category": f.Category, "severity": f.Severity,
		"found_on": f.FoundOn, "reference": f.Reference, "title": f.Title, "description": f.Description,
		"unit_id": db.FormatID(f.UnitID), "people": idStrings(slices.Sorted(slices.Values(f.PersonIDs()))), "status": f.Status, "notified_on": f.NotifiedOn}
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = db.FormatID(id)
	}
	return out
}

// signedIn returns Unauthorized for a nil actor.
func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	return nil
}

// noSuch is the answer for a finding that does not exist or that the
// actor may not read: the same, so that probing reveals nothing.
func noSuch() error { return errs.NoSuch("finding") }
