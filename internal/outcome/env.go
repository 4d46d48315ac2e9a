package outcome

import "slices"

// The grades of annual cadre assessment, from the best.
var gradeOrder = []string{"优秀", "称职", "基本称职", "不称职"}

// Env is what a rule's condition reads of a cadre's history: the fields
// and methods below are the only names a condition may use, so that a
// condition naming anything else is refused when saved.
type Env struct {
	// Year is the latest year with an annual grade; Grade its grade.
	Year  int
	Grade string
	// Grades are the annual grades by year.
	Grades map[int]string
	// Findings counts the active findings (neither exempted nor voided)
	// dated in Year that name the cadre; SevereFindings those of them
	// rated 严重.
	Findings, SevereFindings int
	// Sanctioned is true when a sanction had effect during Year;
	// Investigated when an investigation (立案审查) is open.
	Sanctioned, Investigated bool
	// NoConfidence is the share of 不称职 votes in the cadre's latest
	// democratic evaluation of Year, 0 to 1.
	NoConfidence float64
}

// Streak returns how many consecutive years up to Year the grade was
// grade.
func (e Env) Streak(grade string) int {
	n := 0
	for y := e.Year; e.Grades[y] == grade && e.Grades[y] != ""; y-- {
		n++
	}
	return n
}

// StreakAtLeast returns how many consecutive years up to Year the grade
// was grade or better (称职以上: 优秀 or 称职).
func (e Env) StreakAtLeast(grade string) int {
	limit := slices.Index(gradeOrder, grade)
	if limit < 0 {
		return 0
	}
	n := 0
	for y := e.Year; ; y-- {
		i := slices.Index(gradeOrder, e.Grades[y])
		if i < 0 || i > limit {
			return n
		}
		n++
	}
}

// GradeIn returns the grade of year y, "" when there is none.
func (e Env) GradeIn(y int) string { return e.Grades[y] }
