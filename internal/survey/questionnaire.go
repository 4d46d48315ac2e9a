package survey

import "slices"

// Grade is one answer of a grade scale and its points (the engine's
// score.GradePoint). Label is the data value, in Chinese, as the engine's
// grading and the ballot use it.
type Grade struct {
	Label  string
	Points float64
}

// Scale is an ordered grade scale, best first.
type Scale struct {
	Code   string
	Grades []Grade
}

// Best returns the top grade's label.
func (s *Scale) Best() string { return s.Grades[0].Label }

// Has reports whether label is a grade of the scale.
func (s *Scale) Has(label string) bool {
	return slices.ContainsFunc(s.Grades, func(g Grade) bool { return g.Label == label })
}

// Favourable returns the labels of the two best grades (优秀+称职, 好+较好,
// 满意+较满意): the grades of the "favourable share" vote rate.
func (s *Scale) Favourable() []string {
	return []string{s.Grades[0].Label, s.Grades[1].Label}
}

// Unfavourable returns the label of the worst grade (不称职, 较差, 不满意):
// the grade of the "unfavourable share" vote rate.
func (s *Scale) Unfavourable() []string {
	return []string{s.Grades[len(s.Grades)-1].Label}
}

// The grade scales of the templates.
var (
	// ScaleTeam grades a leadership team: 好/较好/一般/较差.
	ScaleTeam = &Scale{Code: "team", Grades: []Grade{{"好", 100}, {"较好", 80}, {"一般", 60}, {"较差", 0}}}
	// ScaleCadre grades a cadre overall: 优秀/称职/基本称职/不称职.
	ScaleCadre = &Scale{Code: "cadre", Grades: []Grade{{"优秀", 100}, {"称职", 80}, {"基本称职", 60}, {"不称职", 0}}}
	// ScaleSatisfaction grades public satisfaction: 满意/较满意/一般/不满意.
	ScaleSatisfaction = &Scale{Code: "satisfaction", Grades: []Grade{{"满意", 100}, {"较满意", 80}, {"一般", 60}, {"不满意", 0}}}
)

// ItemKind is how an item is answered.
type ItemKind string

// Item kinds.
const (
	// ItemGrade is answered with a grade of the item's scale (a vote).
	ItemGrade ItemKind = "grade"
	// ItemScore is answered with a score from 0 to 100.
	ItemScore ItemKind = "score"
)

// Item is one question asked about each subject.
type Item struct {
	// Code names the item in answers, tallies and indicator mappings.
	Code string
	// Key is the locale key of the item's label.
	Key  string
	Kind ItemKind
	// Scale is the grade scale of a grade item.
	Scale *Scale
	// Overall marks the overall judgement of a subject: the item the
	// validity rules look at.
	Overall bool
}

// Questionnaire is a template of the items asked about a subject.
type Questionnaire struct {
	Code  string
	Items []Item
}

// Item returns the item with code, or nil.
func (q *Questionnaire) Item(code string) *Item {
	for i := range q.Items {
		if q.Items[i].Code == code {
			return &q.Items[i]
		}
	}
	return nil
}

// The questionnaire templates.
var (
	// QTeam rates a leadership team overall: 好/较好/一般/较差.
	QTeam = &Questionnaire{Code: "team", Items: []Item{
		{Code: "overall", Key: "survey.item.team_overall", Kind: ItemGrade, Scale: ScaleTeam, Overall: true},
	}}
	// QCadre rates a cadre overall (优秀/称职/基本称职/不称职), then
	// political quality first and 德、能、勤、绩、廉 (好/较好/一般/较差).
	QCadre = &Questionnaire{Code: "cadre", Items: []Item{
		{Code: "overall", Key: "survey.item.cadre_overall", Kind: ItemGrade, Scale: ScaleCadre, Overall: true},
		{Code: "political", Key: "survey.item.political", Kind: ItemGrade, Scale: ScaleTeam},
		{Code: "morality", Key: "survey.item.morality", Kind: ItemGrade, Scale: ScaleTeam},
		{Code: "ability", Key: "survey.item.ability", Kind: ItemGrade, Scale: ScaleTeam},
		{Code: "diligence", Key: "survey.item.diligence", Kind: ItemGrade, Scale: ScaleTeam},
		{Code: "achievement", Key: "survey.item.achievement", Kind: ItemGrade, Scale: ScaleTeam},
		{Code: "integrity", Key: "survey.item.integrity", Kind: ItemGrade, Scale: ScaleTeam},
	}}
	// QScore rates a subject with one score from 0 to 100.
	QScore = &Questionnaire{Code: "score", Items: []Item{
		{Code: "score", Key: "survey.item.score", Kind: ItemScore, Overall: true},
	}}
	// QSatisfaction asks the public about a region: satisfaction with the
	// ecological environment and with basic public services.
	QSatisfaction = &Questionnaire{Code: "satisfaction", Items: []Item{
		{Code: "ecology", Key: "survey.item.ecology", Kind: ItemGrade, Scale: ScaleSatisfaction},
		{Code: "services", Key: "survey.item.services", Kind: ItemGrade, Scale: ScaleSatisfaction},
	}}
)

// Questionnaires lists the templates by code.
var Questionnaires = map[string]*Questionnaire{
	QTeam.Code: QTeam, QCadre.Code: QCadre, QScore.Code: QScore, QSatisfaction.Code: QSatisfaction,
}

// scales lists every scale in a stable order, for the engine's grade list.
var scales = []*Scale{ScaleCadre, ScaleTeam, ScaleSatisfaction}
