package scorefile

import (
	"math"
	"slices"
	"strconv"

	"kaohe/internal/score"
)

// Ratings file headers. A row is one rater's raw score, or a number of
// votes for a grade; the long header holds both kinds of rows, each
// leaving the other kind's cells empty.
var (
	ratingsScoresHeader = []string{"entity", "indicator", "rater_group", "score"}
	ratingsVotesHeader  = []string{"entity", "indicator", "rater_group", "grade", "count"}
	ratingsFullHeader   = []string{"entity", "indicator", "rater_group", "score", "grade", "count"}
)

// readRatings parses the ratings file (UTF-8, BOM stripped). Every row must
// name a known entity and a qualitative indicator whose rating source
// matches the row (scores or votes), a rater group of the scheme (when the
// scheme lists rater groups), and a grade of the scheme (when it lists
// grades).
func readRatings(file string, data []byte, sf *schemeFile, entities codes) ([]score.Rating, error) {
	t, form, err := readTable(file, data, ratingsScoresHeader, ratingsVotesHeader, ratingsFullHeader)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, c := range t.columns {
		col[c] = i
	}
	specs := map[string]score.RatingSpec{}
	for _, ind := range sf.scheme.Indicators {
		specs[ind.Code] = ind.Rating
	}
	policy := sf.scheme.Rating
	out := make([]score.Rating, 0, len(t.rows))
	for _, r := range t.rows {
		f := r.fields
		rt := score.Rating{Entity: f[0], Indicator: f[1], Group: f[2]}
		if _, ok := entities[rt.Entity]; !ok {
			return nil, t.fieldError(r, 0, "unknown entity %s (not in the entities file)", quote(rt.Entity))
		}
		if k, ok := sf.kinds[rt.Indicator]; !ok {
			return nil, t.fieldError(r, 1, "unknown indicator %s (not in the scheme)", quote(rt.Indicator))
		} else if k != score.KindQualitative {
			return nil, t.fieldError(r, 1, "indicator %s is %s, not qualitative: only qualitative indicators take ratings", quote(rt.Indicator), k)
		}
		if rt.Group == "" {
			return nil, t.fieldError(r, 2, "rater group is empty")
		}
		if len(policy.Groups) > 0 && !slices.ContainsFunc(policy.Groups, func(g score.RaterGroup) bool { return g.Code == rt.Group }) {
			return nil, t.fieldError(r, 2, "unknown rater group %s (not in the scheme's rating.groups)", quote(rt.Group))
		}
		votes := form == 1
		if form == 2 {
			votes = f[col["score"]] == ""
			if !votes && (f[col["grade"]] != "" || f[col["count"]] != "") {
				return nil, t.fieldError(r, col["score"], "row has both a score and a grade or count: give one or the other")
			}
		}
		source := specs[rt.Indicator].Source
		if source == "" {
			source = score.FromScores
		}
		if votes != (source == score.FromVotes) {
			return nil, t.fieldError(r, 1, "indicator %s is rated from %s (rating.source), but this row gives %s", quote(rt.Indicator), source, map[bool]string{true: "votes", false: "a score"}[votes])
		}
		if !votes {
			c := col["score"]
			v, err := strconv.ParseFloat(f[c], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, t.fieldError(r, c, "score %s is not a number", quote(f[c]))
			}
			rt.Score = v
		} else {
			g, c := col["grade"], col["count"]
			rt.Grade = f[g]
			if rt.Grade == "" {
				return nil, t.fieldError(r, g, "grade is empty")
			}
			if len(policy.Grades) > 0 && !slices.ContainsFunc(policy.Grades, func(gp score.GradePoint) bool { return gp.Grade == rt.Grade }) {
				return nil, t.fieldError(r, g, "unknown grade %s (not in the scheme's rating.grades)", quote(rt.Grade))
			}
			n, err := strconv.Atoi(f[c])
			if err != nil || n < 0 {
				return nil, t.fieldError(r, c, "count %s is not a whole number of votes", quote(f[c]))
			}
			rt.Count = n
		}
		out = append(out, rt)
	}
	return out, nil
}
