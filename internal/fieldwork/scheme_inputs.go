package fieldwork

import (
	"context"

	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/survey"
)

// Item is a data item whose value the team may verify: one the cycle's
// scheme reads for a quantitative indicator.
type Item struct {
	Code string
	// Indicator is the name of the indicator that reads it.
	Indicator string
}

// Leaf is a qualitative indicator of the cycle's scheme that the team
// judges.
type Leaf struct {
	Code, Name string
	// Grades are the grades a judgement chooses from, best first, with
	// their points; none when the judgement is a score from 0 to 100.
	Grades []score.GradePoint
}

// Grade returns the points of grade g, false when the leaf has no such
// grade.
func (l *Leaf) Grade(g string) (float64, bool) {
	for _, gp := range l.Grades {
		if gp.Grade == g {
			return gp.Points, true
		}
	}
	return 0, false
}

// schemeOf reads the scheme document and leaves of cycle c.
func schemeOf(ctx context.Context, tx *db.Tx, c *cycle.Cycle) (*score.Scheme, []scheme.Leaf, error) {
	doc, _, _, err := scheme.VersionDocument(ctx, tx, c.SchemeVersionID)
	if err != nil {
		return nil, nil, err
	}
	leaves, err := scheme.Leaves(ctx, tx, doc)
	return doc, leaves, err
}

// verifiable lists the data items the cycle's scheme reads directly for
// its quantitative indicators, in scheme order, each once.
func verifiable(ctx context.Context, tx *db.Tx, c *cycle.Cycle) ([]Item, error) {
	doc, leaves, err := schemeOf(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	names := indicatorNames(doc)
	var out []Item
	seen := map[string]bool{}
	for _, l := range leaves {
		if l.Formula != nil || l.Item == "" || l.Code == c.FoldIndicator || seen[l.Item] ||
			(l.Kind != score.KindQuantitative && l.Kind != "") {
			continue
		}
		seen[l.Item] = true
		out = append(out, Item{Code: l.Item, Indicator: names[l.Code]})
	}
	return out, nil
}

// judgeable lists the qualitative leaves of the cycle's scheme that a
// judgement can give a raw value: all but those measured as a share of
// votes (0–1), which only ballots give. A leaf tallied from the votes of a
// questionnaire's grade item is judged by that item's grades, at the
// points the scheme gives them; any other by a score from 0 to 100 (the
// scale of mean points too).
func judgeable(ctx context.Context, tx *db.Tx, c *cycle.Cycle) ([]Leaf, error) {
	doc, leaves, err := schemeOf(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	spec := map[string]score.RatingSpec{}
	for _, ind := range doc.Indicators {
		spec[ind.Code] = ind.Rating
	}
	names := indicatorNames(doc)
	var out []Leaf
	for _, l := range leaves {
		// The fold indicator takes the folded cycles' totals, not a judgement.
		if l.Kind != score.KindQualitative || len(spec[l.Code].Share) > 0 || l.Code == c.FoldIndicator {
			continue
		}
		lf := Leaf{Code: l.Code, Name: names[l.Code]}
		if spec[l.Code].Source == score.FromVotes {
			lf.Grades = pointsOf(survey.ScaleOf(l.Item), doc.Rating.Grades)
		}
		out = append(out, lf)
	}
	return out, nil
}

// pointsOf gives the grades of scale the points the scheme's policy gives
// them, where it does.
func pointsOf(scale, policy []score.GradePoint) []score.GradePoint {
	for i, g := range scale {
		for _, p := range policy {
			if p.Grade == g.Grade {
				scale[i].Points = p.Points
				break
			}
		}
	}
	return scale
}

// indicatorNames maps the scheme's indicator codes to their names, the
// code for an indicator without one.
func indicatorNames(doc *score.Scheme) map[string]string {
	out := make(map[string]string, len(doc.Indicators))
	for _, ind := range doc.Indicators {
		out[ind.Code] = ind.Name
		if ind.Name == "" {
			out[ind.Code] = ind.Code
		}
	}
	return out
}
