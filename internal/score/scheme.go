// Package score is Kaohe's scoring engine: it turns a scheme (the indicator
// tree and its methods), raw values, rating tallies and findings into scores,
// ranks, grades, rank intervals and an explanation of every total.
//
// The package is pure: no I/O, no clock, no database. The same Input always
// gives the same Output, byte for byte, whatever the order of the input rows
// and however many cores run it.
//
// Methods follow the OECD/JRC Handbook on Constructing Composite Indicators
// (2008) and the conventions of the COINr R package.
package score

// Scheme is an assessment scheme (考核方案): the indicator tree, how each
// indicator is normalised, weighted and aggregated, how ratings are tallied,
// and how totals become grades. It is the JSON document stored for a scheme
// version and read by `kaohe score --scheme`.
//
// The tree is a flat list of indicators, each naming its parent, so that it
// can be stored as rows and imported from a spreadsheet. Top-level indicators
// (empty Parent) are the dimensions of the composite, plus any bonus,
// deduction and veto items.
type Scheme struct {
	// Code identifies the scheme, e.g. "county-team-2025".
	Code string `json:"code,omitempty"`
	// Name is the display name.
	Name string `json:"name,omitempty"`
	// Version is the scheme version label, copied to the output.
	Version string `json:"version,omitempty"`
	// Indicators is the indicator tree as a flat list. The order of siblings
	// in this list is the order of rows and columns of an AHP matrix.
	Indicators []Indicator `json:"indicators"`
	// Weighting is how the top-level dimensions are weighted against each
	// other (the root's children). Default expert.
	Weighting Weighting `json:"weighting,omitempty"`
	// AHP is the pairwise comparison matrix of the top-level dimensions when
	// Weighting is ahp.
	AHP [][]float64 `json:"ahp,omitempty"`
	// Aggregation is how the top-level dimensions are combined. Default
	// arithmetic.
	Aggregation Aggregation `json:"aggregation,omitempty"`
	// Composite is the method that gives the base total: the weighted tree
	// (default) or TOPSIS over the leaves with their effective weights.
	Composite Composite `json:"composite,omitempty"`
	// BonusCap caps the sum of all bonus points of an entity (0 = no cap).
	BonusCap float64 `json:"bonus_cap,omitempty"`
	// DeductionCap caps the sum of all deduction points of an entity
	// (0 = no cap).
	DeductionCap float64 `json:"deduction_cap,omitempty"`
	// MinAvailable is the minimum share (0–1) of an entity's leaf weight that
	// must have data; an entity below it is flagged insufficient_data.
	// 0 means no minimum.
	MinAvailable float64 `json:"min_available,omitempty"`
	// Rating is how rater groups and trimmed means work for qualitative
	// indicators.
	Rating RatingPolicy `json:"rating,omitzero"`
	// Grading turns totals into grades (等次).
	Grading Grading `json:"grading,omitzero"`
	// FindingRules say what a finding (问题线索) of each category and
	// severity gives: points on a bonus or deduction item, or a veto. The
	// engine checks them but does not apply them: the caller turns each
	// finding into a Finding through its rule (see RuleFor), so that
	// Compute takes the same findings from a cycle as from a file.
	FindingRules []FindingRule `json:"finding_rules,omitempty"`
}

// FindingRule maps the findings of one category and severity to an
// indicator and the points each of them gives. Categories and severities
// are codes the engine does not interpret (e.g. "integrity", "severe");
// the scheme package checks them against the platform's list.
type FindingRule struct {
	// Category is the finding's category code, e.g. "integrity" (党风廉政).
	Category string `json:"category"`
	// Severity is the finding's severity code, e.g. "severe" (严重).
	Severity string `json:"severity"`
	// Indicator is the bonus, deduction or veto item the finding counts
	// on.
	Indicator string `json:"indicator"`
	// Points are the points one finding gives (non-negative); ignored for
	// a veto item, which a finding flags instead.
	Points float64 `json:"points,omitempty"`
}

// RuleFor returns the rule for findings of category and severity, if the
// scheme has one.
func (s *Scheme) RuleFor(category, severity string) (FindingRule, bool) {
	for _, r := range s.FindingRules {
		if r.Category == category && r.Severity == severity {
			return r, true
		}
	}
	return FindingRule{}, false
}

// Indicator is one node of the indicator tree (指标).
type Indicator struct {
	// Code is the unique indicator code, e.g. "GDP" or "D1".
	Code string `json:"code"`
	// Name is the display name, e.g. "地区生产总值增速".
	Name string `json:"name,omitempty"`
	// Parent is the code of the parent node; empty for a top-level node.
	Parent string `json:"parent,omitempty"`
	// Kind is what the node is. Default quantitative for a node without
	// children and dimension for a node with children.
	Kind Kind `json:"kind,omitempty"`
	// Unit is the unit of the raw value, e.g. "%" or "万元" (display only).
	Unit string `json:"unit,omitempty"`
	// Direction says whether higher or lower raw values are better.
	// Default higher.
	Direction Direction `json:"direction,omitempty"`
	// Key marks a key indicator (关键指标); display only.
	Key bool `json:"key,omitempty"`
	// Leading marks a leading indicator (引领性指标); display only.
	Leading bool `json:"leading,omitempty"`
	// Weight is the expert weight relative to the siblings; weights are
	// normalised within each parent.
	Weight float64 `json:"weight,omitempty"`
	// Weights overrides Weight for particular categories (comparison
	// groups), keyed by the category code.
	Weights map[string]float64 `json:"weights,omitempty"`
	// Weighting is how this node's children are weighted. Default expert.
	Weighting Weighting `json:"weighting,omitempty"`
	// AHP is the pairwise comparison matrix of this node's children, in the
	// order they appear in Scheme.Indicators, when Weighting is ahp.
	AHP [][]float64 `json:"ahp,omitempty"`
	// Aggregation is how this node's children are combined. Default
	// arithmetic.
	Aggregation Aggregation `json:"aggregation,omitempty"`
	// Normalise is how a leaf's raw values become 0–100. Default min-max.
	Normalise Normalisation `json:"normalise,omitzero"`
	// Winsorise asks for outlier treatment of this leaf before
	// normalisation (COINr's skew/kurtosis rule; see Winsorise).
	Winsorise bool `json:"winsorise,omitempty"`
	// Missing is what to do when an entity has no value. Default exclude.
	Missing Missing `json:"missing,omitempty"`
	// Cap is the maximum number of points a bonus or deduction node gives
	// (0 = no cap).
	Cap float64 `json:"cap,omitempty"`
	// Rating says how a qualitative indicator is tallied from ratings.
	Rating RatingSpec `json:"rating,omitzero"`
}

// Kind is the kind of an indicator node.
type Kind string

// Indicator kinds.
const (
	// KindDimension is an inner node that aggregates its children (维度).
	KindDimension Kind = "dimension"
	// KindQuantitative is a leaf with a measured raw value (定量).
	KindQuantitative Kind = "quantitative"
	// KindQualitative is a leaf tallied from ratings or votes (定性).
	KindQualitative Kind = "qualitative"
	// KindBonus gives points added to the total (加分).
	KindBonus Kind = "bonus"
	// KindDeduction gives points subtracted from the total (扣分).
	KindDeduction Kind = "deduction"
	// KindVeto flags an entity (一票否决) when it has an active finding or a
	// non-zero value.
	KindVeto Kind = "veto"
)

// Direction says whether higher or lower raw values are better.
type Direction string

// Directions.
const (
	Higher Direction = "higher"
	Lower  Direction = "lower"
)

// Weighting is a method that weights the children of a node.
type Weighting string

// Weighting methods.
const (
	// WeightExpert uses Indicator.Weight and Indicator.Weights.
	WeightExpert Weighting = "expert"
	// WeightEqual gives every child the same weight.
	WeightEqual Weighting = "equal"
	// WeightEntropy is the entropy weight method (熵权法), computed per
	// comparison group from the children's scores.
	WeightEntropy Weighting = "entropy"
	// WeightCRITIC is the CRITIC method, computed per comparison group.
	WeightCRITIC Weighting = "critic"
	// WeightAHP uses the principal eigenvector of the node's AHP matrix.
	WeightAHP Weighting = "ahp"
)

// Aggregation is a method that combines children scores into a node score.
type Aggregation string

// Aggregation methods.
const (
	// Arithmetic is the weighted arithmetic mean.
	Arithmetic Aggregation = "arithmetic"
	// Geometric is the weighted geometric mean; scores below 1 are raised
	// to 1 first (see GeometricFloor).
	Geometric Aggregation = "geometric"
)

// Composite is the method that gives an entity's base total.
type Composite string

// Composite methods.
const (
	// CompositeTree aggregates the indicator tree up to the root.
	CompositeTree Composite = "tree"
	// CompositeTOPSIS scores 100 × the TOPSIS relative closeness over the
	// leaves, weighted by their effective weights.
	CompositeTOPSIS Composite = "topsis"
)

// Method is a normalisation method.
type Method string

// Normalisation methods. All give scores where higher is better.
const (
	// MinMax maps the group minimum to 0 and maximum to 100 (COINr n_minx).
	MinMax Method = "minmax"
	// Target scores 100 × (x − min)/(target − min) (COINr n_dist2targ),
	// capped at 100 when Cap is set.
	Target Method = "target"
	// Goalposts scores 100 × (x − low)/(high − low), truncated to 0–100
	// (COINr n_goalposts).
	Goalposts Method = "goalposts"
	// ZScore scores 50 + 10 × (x − mean)/sd (COINr n_zscore with
	// m_sd = c(50, 10)); not truncated.
	ZScore Method = "zscore"
	// Rank scores the percentile rank 100 × (rank − 1)/(n − 1), ties taking
	// the lowest rank (COINr n_rank with ties = "min", rescaled).
	Rank Method = "rank"
)

// Normalisation says how a leaf's raw values become scores from 0 to 100.
type Normalisation struct {
	// Method is the normalisation method. Default minmax.
	Method Method `json:"method,omitempty"`
	// Target is the target value for Method target.
	Target *float64 `json:"target,omitempty"`
	// Cap caps a target score at 100 (values beyond the target score 100).
	Cap bool `json:"cap,omitempty"`
	// Low and High are the goalposts for Method goalposts: Low scores 0 and
	// High scores 100 (for Direction lower, High scores 0 and Low 100).
	Low  *float64 `json:"low,omitempty"`
	High *float64 `json:"high,omitempty"`
}

// Missing is a policy for missing values.
type Missing string

// Missing-value policies.
const (
	// MissingExclude leaves the value out and re-weights the parent over the
	// children that have data.
	MissingExclude Missing = "exclude"
	// MissingZero scores a missing value 0.
	MissingZero Missing = "zero"
	// MissingMean imputes the comparison group's mean raw value.
	MissingMean Missing = "mean"
	// MissingMedian imputes the comparison group's median raw value.
	MissingMedian Missing = "median"
)

// RatingSource says whether a qualitative indicator is tallied from raw
// scores or from votes per grade.
type RatingSource string

// Rating sources.
const (
	// FromScores averages raw scores (trimmed when a rater group is large).
	FromScores RatingSource = "scores"
	// FromVotes tallies counts of votes per grade.
	FromVotes RatingSource = "votes"
)

// RatingSpec says how a qualitative indicator is tallied.
type RatingSpec struct {
	// Source is scores or votes. Default scores.
	Source RatingSource `json:"source,omitempty"`
	// Share, for votes, makes the indicator the share (0–1) of the votes
	// cast for these grades, e.g. ["优秀","称职"] or ["不称职"]. Without it the
	// indicator is the mean of the grades' points (RatingPolicy.Grades).
	Share []string `json:"share,omitempty"`
}

// RatingPolicy says how the ratings of rater groups are combined.
type RatingPolicy struct {
	// Groups are the rater groups and their weights, e.g. 上级 0.4,
	// 同级 0.3, 下级 0.2, 服务对象 0.1. Weights are normalised over the groups
	// that have enough raters. Without groups, every rater group found in
	// the data has the same weight.
	Groups []RaterGroup `json:"groups,omitempty"`
	// TrimAbove: when a group has more than TrimAbove raters, the highest
	// and lowest scores are dropped. 0 means 5; negative never trims.
	TrimAbove int `json:"trim_above,omitempty"`
	// MinGroupSize: a group with fewer raters (or votes) is excluded and
	// the entity flagged rater_group_excluded. 0 means no minimum.
	MinGroupSize int `json:"min_group_size,omitempty"`
	// Grades are the vote grades, best first, and their points,
	// e.g. 优秀 100, 称职 80, 基本称职 60, 不称职 0.
	Grades []GradePoint `json:"grades,omitempty"`
}

// RaterGroup is a rater group (评议人类别) and its weight.
type RaterGroup struct {
	Code   string  `json:"code"`
	Name   string  `json:"name,omitempty"`
	Weight float64 `json:"weight"`
}

// GradePoint gives the points of one vote grade.
type GradePoint struct {
	Grade  string  `json:"grade"`
	Points float64 `json:"points"`
}

// Grading turns totals into grades (等次). Grade labels are data: teams use
// e.g. 好/较好/一般/较差, cadres 优秀/称职/基本称职/不称职.
type Grading struct {
	// Bands are the grades, best first, each with the minimum total that
	// reaches it. The last band should have a minimum low enough for all.
	Bands []Band `json:"bands,omitempty"`
	// Quotas limit how many entities of a comparison group get a grade.
	Quotas []Quota `json:"quotas,omitempty"`
	// Blocks bar grades for entities with a veto, a sanction, a flag, or an
	// indicator value above a threshold.
	Blocks []Block `json:"blocks,omitempty"`
	// NoGrade is the label given to entities that are not graded
	// (不定等次). Default "不定等次".
	NoGrade string `json:"no_grade,omitempty"`
	// NoGradeFlags are the flags that put an entity in NoGrade,
	// e.g. ["insufficient_data"].
	NoGradeFlags []string `json:"no_grade_flags,omitempty"`
}

// Band is one grade and the minimum total that reaches it.
type Band struct {
	Grade string  `json:"grade"`
	Min   float64 `json:"min"`
}

// Rounding says how a quota share becomes a number of entities.
type Rounding string

// Rounding rules.
const (
	Floor Rounding = "floor"
	Round Rounding = "round"
	Ceil  Rounding = "ceil"
)

// Quota limits a grade to a share of each comparison group.
type Quota struct {
	// Grade is the limited grade.
	Grade string `json:"grade"`
	// Share is the maximum share (0–1) of the group's entities.
	Share float64 `json:"share"`
	// Rounding turns Share × group size into a count. Default floor.
	Rounding Rounding `json:"rounding,omitempty"`
}

// BlockWhen is the condition of a blocking rule.
type BlockWhen string

// Blocking conditions.
const (
	// BlockVeto applies to entities with a veto.
	BlockVeto BlockWhen = "veto"
	// BlockSanction applies to entities with Entity.Sanction set.
	BlockSanction BlockWhen = "sanction"
	// BlockFlag applies to entities carrying Block.Flag.
	BlockFlag BlockWhen = "flag"
	// BlockAbove applies when the raw value of Block.Indicator is above
	// Block.Above (e.g. the share of 不称职 votes above 1/3).
	BlockAbove BlockWhen = "above"
)

// Block is a blocking rule: entities that meet the condition cannot get the
// listed grades and get the best grade below them that they qualify for.
type Block struct {
	When      BlockWhen `json:"when"`
	Flag      string    `json:"flag,omitempty"`
	Indicator string    `json:"indicator,omitempty"`
	// Above is the threshold for BlockAbove; the raw value must exceed it
	// by more than 1e-9, so that 1/3 written as 0.333333333 still works.
	Above float64 `json:"above,omitempty"`
	// Grades are the barred grades. Default: the best band.
	Grades []string `json:"grades,omitempty"`
}
