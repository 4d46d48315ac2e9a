package score

// Output is the result of Compute. Entities, and the rows of every matrix,
// are in the order of Input.Entities.
type Output struct {
	// Scheme and Version are copied from the scheme.
	Scheme  string `json:"scheme,omitempty"`
	Version string `json:"version,omitempty"`
	// Nodes are the codes of all indicators, in scheme order: the columns
	// of Scores.
	Nodes []string `json:"nodes"`
	// Parents and Kinds give each node's parent code ("" at the top) and
	// kind, in Nodes order, so that an Output is self-describing.
	Parents []string `json:"parents"`
	Kinds   []Kind   `json:"kinds"`
	// Leaves are the codes of the aggregated leaves (quantitative and
	// qualitative), in scheme order: the columns of Raw, Normalised and
	// Contributions.
	Leaves []string `json:"leaves"`
	// Entities are the per-entity results.
	Entities []Result `json:"entities"`
	// Raw holds each leaf's raw value after tallying ratings, before
	// outlier treatment and imputation (NaN = missing).
	Raw Matrix `json:"raw"`
	// Normalised holds each leaf's score from 0 to 100 after outlier
	// treatment, imputation and normalisation (NaN = excluded).
	Normalised Matrix `json:"normalised"`
	// Scores holds the score of every node: leaves and dimensions 0–100
	// (NaN when no child has data), bonus and deduction nodes their capped
	// points, veto nodes 1 when triggered.
	Scores Matrix `json:"scores"`
	// Contributions holds each leaf's contribution to the base total; a
	// row sums to Result.Base (see Explain).
	Contributions Matrix `json:"contributions"`
	// Lines are the bonus, deduction, finding and cap lines of all
	// entities, sorted by entity row, then scheme order.
	Lines []Line `json:"lines"`
	// RaterGroups are the value of each rater group that counted in a
	// tallied qualitative leaf (at least the minimum group size), sorted
	// by entity row, leaf and group; a group below the minimum is absent.
	RaterGroups []RaterValue `json:"rater_groups,omitempty"`
	// Weights are the local and effective weights of every node per
	// comparison group, groups sorted by code.
	Weights []GroupWeights `json:"weights"`
	// Sensitivity is the one-at-a-time removal analysis, when requested,
	// one entry per leaf in scheme order.
	Sensitivity []Sensitivity `json:"sensitivity,omitempty"`
	// Draws and Seed echo the Monte Carlo options used.
	Draws int    `json:"draws"`
	Seed  uint64 `json:"seed"`
}

// RaterValue is one rater group's value for one entity and qualitative
// leaf, as tallied before the groups are combined.
type RaterValue struct {
	Row   int    `json:"row"`
	Leaf  string `json:"leaf"`
	Group string `json:"group"`
	// Raters is the number of raters or votes; Value the group's trimmed
	// mean score, share or mean points.
	Raters float64 `json:"raters"`
	Value  float64 `json:"value"`
}

// Result is one entity's result.
type Result struct {
	ID    string `json:"id"`
	Group string `json:"group"`
	// Base is the composite before bonus and deduction points (0–100).
	Base float64 `json:"base"`
	// Bonus and Deduction are the capped points added and subtracted.
	Bonus     float64 `json:"bonus"`
	Deduction float64 `json:"deduction"`
	// Total is Base + Bonus − Deduction.
	Total float64 `json:"total"`
	// Rank is the rank within the group; equal totals (after rounding to
	// TieDecimals places) share the smallest rank: 1, 1, 3.
	Rank int `json:"rank"`
	// Grade is the grade label, or Grading.NoGrade.
	Grade string `json:"grade"`
	// Flags are machine codes (see the Flag constants), sorted.
	Flags []string `json:"flags"`
	// RankP05, RankP50 and RankP95 are the 5th, 50th (median) and 95th
	// percentile ranks over the Monte Carlo draws (nearest-rank method);
	// all equal Rank without draws.
	RankP05 int `json:"rank_p05"`
	RankP50 int `json:"rank_p50"`
	RankP95 int `json:"rank_p95"`
}

// Flags set on results.
const (
	// FlagVeto: a veto item was triggered.
	FlagVeto = "veto"
	// FlagSanction: the entity has a disciplinary sanction.
	FlagSanction = "sanction"
	// FlagInsufficientData: less than Scheme.MinAvailable of the leaf
	// weight has data.
	FlagInsufficientData = "insufficient_data"
	// FlagImputed: at least one missing value was imputed or scored zero.
	FlagImputed = "imputed"
	// FlagExcluded: at least one missing value was excluded and the
	// weights re-normalised.
	FlagExcluded = "excluded"
	// FlagWinsorised: at least one of the entity's values was winsorised.
	FlagWinsorised = "winsorised"
	// FlagRaterGroupExcluded: a rater group was below the minimum size and
	// left out; group weights were re-normalised.
	FlagRaterGroupExcluded = "rater_group_excluded"
	// FlagBarred: a blocking rule lowered the grade the bands gave.
	FlagBarred = "barred"
	// FlagQuota: a quota lowered the grade.
	FlagQuota = "quota"
	// FlagNoGrade: the entity was not graded (不定等次).
	FlagNoGrade = "no_grade"
)

// TieDecimals is the number of decimal places totals are rounded to before
// ranking, so that floating-point noise does not split a tie.
const TieDecimals = 6

// LineKind is the kind of an explanation line.
type LineKind string

// Line kinds.
const (
	// LineValue is a bonus or deduction value given directly in Values.
	LineValue LineKind = "value"
	// LineFinding is a finding; exempted and voided findings have zero
	// effect.
	LineFinding LineKind = "finding"
	// LineCap is the reduction (negative effect) when a cap applies.
	LineCap LineKind = "cap"
	// LineVeto is a veto item that was triggered (zero effect on the total).
	LineVeto LineKind = "veto"
)

// Line is a bonus, deduction, finding or cap line of an explanation.
type Line struct {
	// Row is the entity's row.
	Row int `json:"row"`
	// Indicator is the bonus, deduction or veto node; empty for the
	// scheme-level caps.
	Indicator string   `json:"indicator,omitempty"`
	Kind      LineKind `json:"kind"`
	// Finding and Status identify a finding line.
	Finding string        `json:"finding,omitempty"`
	Status  FindingStatus `json:"status,omitempty"`
	Note    string        `json:"note,omitempty"`
	// Points are the points as recorded (positive).
	Points float64 `json:"points"`
	// Effect is the signed effect on the total: + for a bonus, − for a
	// deduction, 0 for exempted, voided and veto lines.
	Effect float64 `json:"effect"`
	// Cap is the cap that bound, for a cap line (Points is the cut).
	Cap float64 `json:"cap,omitempty"`
}

// GroupWeights are the weights of every node (in Output.Nodes order) for
// one comparison group. Bonus, deduction and veto nodes have weight 0.
type GroupWeights struct {
	Group string `json:"group"`
	// Local weights are normalised within each parent.
	Local []float64 `json:"local"`
	// Effective weights are products of local weights down the tree.
	Effective []float64 `json:"effective"`
}

// Sensitivity is the effect of removing one leaf indicator.
type Sensitivity struct {
	Indicator string `json:"indicator"`
	// MeanAbsRankShift is the mean over entities of |rank without the
	// indicator − rank|.
	MeanAbsRankShift float64 `json:"mean_abs_rank_shift"`
	// MaxAbsRankShift is the largest such shift.
	MaxAbsRankShift int `json:"max_abs_rank_shift"`
}

// Explanation is one entity's total broken down into items that add up to
// it (within 1e-9).
type Explanation struct {
	Entity string  `json:"entity"`
	Total  float64 `json:"total"`
	Items  []Item  `json:"items"`
}

// Item is one line of an Explanation.
type Item struct {
	// Indicator is the leaf, bonus, deduction or veto code (empty for a
	// scheme-level cap).
	Indicator string `json:"indicator,omitempty"`
	// Kind is "leaf" for a leaf's contribution, else a LineKind.
	Kind string `json:"kind"`
	// Raw is the leaf's raw value (NaN, null in JSON, when missing; leaves
	// only).
	Raw Num `json:"raw"`
	// Normalised is the leaf's score 0–100 (NaN when excluded; leaves only).
	Normalised Num `json:"normalised"`
	// Weight is the entity's effective weight of the leaf: its
	// contribution divided by its normalised score (leaves only; under a
	// geometric node this is the log-share weight, see Explain).
	Weight Num `json:"weight"`
	// Finding, Status, Note and Points describe a finding or value line.
	Finding string        `json:"finding,omitempty"`
	Status  FindingStatus `json:"status,omitempty"`
	Note    string        `json:"note,omitempty"`
	Points  float64       `json:"points,omitempty"`
	// Cap is the cap that bound, for a cap line.
	Cap float64 `json:"cap,omitempty"`
	// Contribution is the signed effect on the total.
	Contribution float64 `json:"contribution"`
}
