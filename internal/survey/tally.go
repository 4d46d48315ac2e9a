package survey

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// groupNames are the Chinese names of the rater groups, for the engine's
// policy and exports.
var groupNames = map[GroupCode]string{
	GroupSuperior: "上级", GroupPeer: "同级", GroupSubordinate: "下级",
	GroupClient: "服务对象", GroupPublic: "群众", GroupThirdParty: "第三方",
}

// Name returns the Chinese name of the rater group.
func (g GroupCode) Name() string { return groupNames[g] }

// RatingPolicy returns the engine's rating policy of the evaluation: its
// rater groups and weights, trimming, minimum group size, and the points of
// every grade of the templates. A cycle scheme that takes this
// evaluation's ratings uses it as Scheme.Rating.
func (e *Evaluation) RatingPolicy() score.RatingPolicy {
	p := score.RatingPolicy{TrimAbove: e.Rules.TrimAbove, MinGroupSize: e.Rules.MinGroupSize}
	for _, g := range e.Groups {
		p.Groups = append(p.Groups, score.RaterGroup{Code: string(g.Code), Name: g.Code.Name(), Weight: g.Weight})
	}
	p.Grades = Grades()
	return p
}

// Grades returns the points of every grade of the templates' scales, each
// label once, best first within each scale: the engine's
// RatingPolicy.Grades.
func Grades() []score.GradePoint {
	var out []score.GradePoint
	for _, s := range scales {
		for _, g := range s.Grades {
			if !slices.ContainsFunc(out, func(p score.GradePoint) bool { return p.Grade == g.Label }) {
				out = append(out, score.GradePoint{Grade: g.Label, Points: g.Points})
			}
		}
	}
	return out
}

// ItemRef names an item of a questionnaire, "cadre.overall", the key of an
// indicator mapping.
func ItemRef(q, item string) string { return q + "." + item }

// ScaleOf returns the grades of the grade item that ref names
// ("team.overall") with their points, best first; none for a score item or
// a ref that names no item of the templates.
func ScaleOf(ref string) []score.GradePoint {
	qc, ic, _ := strings.Cut(ref, ".")
	q := Questionnaires[qc]
	if q == nil {
		return nil
	}
	it := q.Item(ic)
	if it == nil || it.Scale == nil {
		return nil
	}
	out := make([]score.GradePoint, len(it.Scale.Grades))
	for i, g := range it.Scale.Grades {
		out[i] = score.GradePoint{Grade: g.Label, Points: g.Points}
	}
	return out
}

// Ratings returns the tallies of a closed evaluation as the engine's rating
// inputs: for each valid ballot's answer to an item mapped in indicators
// (ItemRef → qualitative indicator code of the cycle's scheme), a score row
// per score, or one row per entity, indicator, rater group and grade with
// the count of votes. Rater groups with fewer valid ballots than the
// minimum group size are left out, so that they cannot show through. Rows
// are sorted. The actor needs ActEvalResults. The package function Ratings
// gives the same rows inside a caller's transaction.
func (s *Service) Ratings(ctx context.Context, a *auth.Actor, id int64, indicators map[string]string) ([]score.Rating, error) {
	var out []score.Rating
	err := s.db.View(ctx, func(tx *db.Tx) error {
		e, err := s.authorize(ctx, tx, a, auth.ActEvalResults, id)
		if err != nil {
			return err
		}
		out, err = evaluationRatings(ctx, tx, e, indicators)
		return err
	})
	return out, err
}

// evaluationRatings returns the rating rows of evaluation e, which must be
// closed: the one implementation of Service.Ratings and Ratings.
func evaluationRatings(ctx context.Context, tx *db.Tx, e *Evaluation, indicators map[string]string) ([]score.Rating, error) {
	bs, err := validBallots(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	return ratings(e, bs, indicators, shownGroups(e, bs)), nil
}

// closedBallots reads a closed evaluation and its valid ballots for an
// actor with ActEvalResults.
func (s *Service) closedBallots(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Evaluation, []*Ballot, error) {
	e, err := s.authorize(ctx, tx, a, auth.ActEvalResults, id)
	if err != nil {
		return nil, nil, err
	}
	bs, err := validBallots(ctx, tx, e)
	if err != nil {
		return nil, nil, err
	}
	return e, bs, nil
}

// validBallots reads the valid ballots of e; Conflict while e is not
// closed, since results stay hidden until then.
func validBallots(ctx context.Context, tx *db.Tx, e *Evaluation) ([]*Ballot, error) {
	if e.Status != StatusClosed {
		return nil, errs.New(errs.Conflict, "survey.results_hidden", "results are shown when the evaluation is closed")
	}
	return loadBallots(ctx, tx, e.ID, true)
}

// shownGroups returns the rater groups with at least the minimum number of
// valid ballots.
func shownGroups(e *Evaluation, bs []*Ballot) map[GroupCode]bool {
	n := map[GroupCode]int{}
	for _, b := range bs {
		n[b.Group]++
	}
	shown := map[GroupCode]bool{}
	for _, g := range e.Groups {
		if n[g.Code] >= e.Rules.MinGroupSize {
			shown[g.Code] = true
		}
	}
	return shown
}

// ratings turns valid ballots of the groups in keep into rating rows.
func ratings(e *Evaluation, bs []*Ballot, indicators map[string]string, keep map[GroupCode]bool) []score.Rating {
	subjects := make(map[int64]*Subject, len(e.Subjects))
	for i := range e.Subjects {
		subjects[e.Subjects[i].ID] = &e.Subjects[i]
	}
	type voteKey struct{ entity, indicator, group, grade string }
	votes := map[voteKey]int{}
	var out []score.Rating
	for _, b := range bs {
		if !keep[b.Group] {
			continue
		}
		for _, an := range b.Answers {
			sub := subjects[an.Subject]
			if sub == nil {
				continue
			}
			ind, ok := indicators[ItemRef(sub.Questionnaire, an.Item)]
			if !ok {
				continue
			}
			if an.Score != nil {
				out = append(out, score.Rating{Entity: sub.Entity(), Indicator: ind, Group: string(b.Group), Score: *an.Score})
			} else {
				votes[voteKey{sub.Entity(), ind, string(b.Group), an.Grade}]++
			}
		}
	}
	for k, n := range votes {
		out = append(out, score.Rating{Entity: k.entity, Indicator: k.indicator, Group: k.group, Grade: k.grade, Count: n})
	}
	slices.SortFunc(out, func(x, y score.Rating) int {
		return cmp.Or(cmp.Compare(x.Entity, y.Entity), cmp.Compare(x.Indicator, y.Indicator), cmp.Compare(x.Group, y.Group),
			cmp.Compare(x.Grade, y.Grade), cmp.Compare(x.Score, y.Score))
	})
	return out
}

// Results are the tallies of a closed evaluation as the organisers see them.
type Results struct {
	Evaluation *Evaluation
	// Groups are the rater groups in evaluation order with their ballots;
	// Shown is false for a group below the minimum size, whose results
	// appear nowhere.
	Groups   []GroupResult
	Subjects []SubjectResult
}

// GroupResult is the ballots of a rater group.
type GroupResult struct {
	Group   Group
	Cast    int
	Valid   int
	Invalid int
	Shown   bool
}

// SubjectResult is the tallies of one subject.
type SubjectResult struct {
	Subject Subject
	Items   []ItemResult
}

// ItemResult is the tally of one item of a subject: per shown group and
// combined over the shown groups with their weights.
type ItemResult struct {
	Item     Item
	Groups   []Cell // in the order of Results.Groups that are Shown
	Combined Cell
}

// Cell is one tally.
type Cell struct {
	// Votes is the number of valid answers.
	Votes int
	// Counts are the votes per grade of the item's scale (nil for scores).
	Counts []int
	// Value is the engine's tally: the mean points of the votes, or the
	// (trimmed) mean score; for Combined, the group-weighted value. NaN
	// when there is nothing to show.
	Value float64
	// Favourable is the engine's vote share of the two best grades
	// (优秀+称职, 好+较好, 满意+较满意); NaN for scores.
	Favourable float64
	// Unfavourable is the engine's vote share of the worst grade (不称职,
	// 较差, 不满意); NaN for scores.
	Unfavourable float64
}

// Results returns the tallies of a closed evaluation. The per-group and
// combined values come from the scoring engine (score.Compute over a
// scheme of the evaluation's items), so they are the very numbers a cycle
// gets from Ratings. The actor needs ActEvalResults.
func (s *Service) Results(ctx context.Context, a *auth.Actor, id int64) (*Results, error) {
	var (
		e   *Evaluation
		bs  []*Ballot
		all []*Ballot
	)
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		if e, bs, err = s.closedBallots(ctx, tx, a, id); err != nil {
			return err
		}
		all, err = loadBallots(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tally(e, bs, all)
}

// tally computes Results from the valid ballots bs and all ballots.
func tally(e *Evaluation, bs, all []*Ballot) (*Results, error) {
	r := &Results{Evaluation: e}
	shown := shownGroups(e, bs)
	for _, g := range e.Groups {
		gr := GroupResult{Group: g, Shown: shown[g.Code]}
		for _, b := range all {
			if b.Group == g.Code {
				gr.Cast++
				if b.Valid {
					gr.Valid++
				} else {
					gr.Invalid++
				}
			}
		}
		r.Groups = append(r.Groups, gr)
	}
	// One engine scheme over every item used: a votes indicator (mean
	// points) and a share indicator per grade item, a scores indicator per
	// score item.
	indicators := map[string]string{}
	var inds []score.Indicator
	for _, sub := range e.Subjects {
		for _, it := range sub.Q().Items {
			ref := ItemRef(sub.Questionnaire, it.Code)
			if _, ok := indicators[ref]; ok {
				continue
			}
			indicators[ref] = ref
			if it.Kind == ItemGrade {
				inds = append(inds,
					score.Indicator{Code: ref, Kind: score.KindQualitative, Weight: 1, Rating: score.RatingSpec{Source: score.FromVotes}},
					score.Indicator{Code: ref + "#fav", Kind: score.KindQualitative, Weight: 1,
						Rating: score.RatingSpec{Source: score.FromVotes, Share: it.Scale.Favourable()}},
					score.Indicator{Code: ref + "#unf", Kind: score.KindQualitative, Weight: 1,
						Rating: score.RatingSpec{Source: score.FromVotes, Share: it.Scale.Unfavourable()}})
			} else {
				inds = append(inds, score.Indicator{Code: ref, Kind: score.KindQualitative, Weight: 1,
					Rating: score.RatingSpec{Source: score.FromScores}})
			}
		}
	}
	var entities []score.Entity
	row := map[string]int{}
	for _, sub := range e.Subjects {
		if _, ok := row[sub.Entity()]; !ok {
			row[sub.Entity()] = len(entities)
			entities = append(entities, score.Entity{ID: sub.Entity(), Group: "all"})
		}
	}
	// The share indicators take the same ratings as their items.
	withShares := func(rs []score.Rating) []score.Rating {
		out := rs
		for _, x := range rs {
			if x.Grade != "" {
				fav, unf := x, x
				fav.Indicator += "#fav"
				unf.Indicator += "#unf"
				out = append(out, fav, unf)
			}
		}
		return out
	}
	compute := func(groups []Group, keep map[GroupCode]bool) (*score.Output, error) {
		pol := e.RatingPolicy()
		pol.Groups = nil
		for _, g := range groups {
			pol.Groups = append(pol.Groups, score.RaterGroup{Code: string(g.Code), Weight: g.Weight})
		}
		if len(pol.Groups) == 0 {
			return nil, nil
		}
		in, err := score.NewInput(&score.Scheme{Code: "evaluation", Indicators: inds, Rating: pol}, entities)
		if err != nil {
			return nil, err
		}
		in.Ratings = withShares(ratings(e, bs, indicators, keep))
		out, err := score.Compute(in)
		if err != nil {
			return nil, fmt.Errorf("tally evaluation %d: %w", e.ID, err)
		}
		return out, nil
	}
	var shownList []Group
	for _, g := range e.Groups {
		if shown[g.Code] {
			shownList = append(shownList, g)
		}
	}
	combined, err := compute(shownList, shown)
	if err != nil {
		return nil, err
	}
	perGroup := make([]*score.Output, len(shownList))
	for k, g := range shownList {
		if perGroup[k], err = compute([]Group{g}, map[GroupCode]bool{g.Code: true}); err != nil {
			return nil, err
		}
	}
	raw := func(out *score.Output, entity, code string) float64 {
		if out == nil {
			return math.NaN()
		}
		j := slices.Index(out.Leaves, code)
		if j < 0 {
			return math.NaN()
		}
		return out.Raw.Data[j*out.Raw.Rows+row[entity]]
	}
	for _, sub := range e.Subjects {
		sr := SubjectResult{Subject: sub}
		for _, it := range sub.Q().Items {
			ref := ItemRef(sub.Questionnaire, it.Code)
			ir := ItemResult{Item: it}
			cell := func(out *score.Output, keep map[GroupCode]bool) Cell {
				c := Cell{Value: raw(out, sub.Entity(), ref), Favourable: math.NaN(), Unfavourable: math.NaN()}
				if it.Kind == ItemGrade {
					c.Favourable = raw(out, sub.Entity(), ref+"#fav")
					c.Unfavourable = raw(out, sub.Entity(), ref+"#unf")
					c.Counts = make([]int, len(it.Scale.Grades))
				}
				for _, b := range bs {
					if !keep[b.Group] {
						continue
					}
					for _, an := range b.Answers {
						if an.Subject != sub.ID || an.Item != it.Code {
							continue
						}
						c.Votes++
						for k, g := range it.Scale.GradesOrNil() {
							if g.Label == an.Grade {
								c.Counts[k]++
							}
						}
					}
				}
				return c
			}
			for k, g := range shownList {
				ir.Groups = append(ir.Groups, cell(perGroup[k], map[GroupCode]bool{g.Code: true}))
			}
			ir.Combined = cell(combined, shown)
			sr.Items = append(sr.Items, ir)
		}
		r.Subjects = append(r.Subjects, sr)
	}
	return r, nil
}

// GradesOrNil returns the scale's grades; nil for a nil scale (score items).
func (s *Scale) GradesOrNil() []Grade {
	if s == nil {
		return nil
	}
	return s.Grades
}

// Participation is how many codes of a rater group were issued and used.
type Participation struct {
	Group  Group
	Issued int
	Used   int
}

// Participation returns the live participation per rater group: codes
// issued and used, and for the public group of a survey the answers
// received. It shows no results. The actor needs ActEvalManage.
func (s *Service) Participation(ctx context.Context, a *auth.Actor, id int64) ([]Participation, error) {
	var out []Participation
	err := s.db.View(ctx, func(tx *db.Tx) error {
		e, err := s.authorize(ctx, tx, a, auth.ActEvalManage, id)
		if err != nil {
			return err
		}
		counts := map[GroupCode][2]int{}
		rows, err := tx.QueryContext(ctx, `SELECT group_code, issued, used_count FROM code_sets WHERE evaluation_id = $1`, id)
		if err != nil {
			return fmt.Errorf("read participation: %w", err)
		}
		for rows.Next() {
			var g GroupCode
			var c [2]int
			if err := rows.Scan(&g, &c[0], &c[1]); err != nil {
				rows.Close()
				return fmt.Errorf("read participation: %w", err)
			}
			counts[g] = c
		}
		rows.Close()
		var public int
		if e.Kind == KindSatisfaction {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_devices WHERE evaluation_id = $1`, id).Scan(&public); err != nil {
				return fmt.Errorf("read participation: %w", err)
			}
		}
		for _, g := range e.Groups {
			c := counts[g.Code]
			p := Participation{Group: g, Issued: c[0], Used: c[1]}
			if g.Code == GroupPublic {
				p.Used += public
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
