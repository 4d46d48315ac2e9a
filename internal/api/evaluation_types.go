package api

import (
	"math"
	"strconv"
	"time"

	"kaohe/internal/survey"
)

// EvaluationList is the answer of GET /evaluations.
type EvaluationList struct {
	Evaluations []Evaluation `json:"evaluations"`
}

// Evaluation is a democratic evaluation or public satisfaction survey.
type Evaluation struct {
	ID       string    `json:"id"`
	UnitID   string    `json:"unit_id"`
	Unit     string    `json:"unit"`
	Kind     string    `json:"kind"`
	Title    string    `json:"title"`
	Period   string    `json:"period"`
	Status   string    `json:"status"`
	Created  time.Time `json:"created_at"`
	OpenedAt time.Time `json:"opened_at,omitzero"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

func toEvaluation(e *survey.Evaluation) Evaluation {
	return Evaluation{ID: strconv.FormatInt(e.ID, 10), UnitID: strconv.FormatInt(e.UnitID, 10), Unit: e.UnitName,
		Kind: string(e.Kind), Title: e.Title, Period: e.Period, Status: string(e.Status),
		Created: e.CreatedAt, OpenedAt: e.OpenedAt, ClosedAt: e.ClosedAt}
}

// EvaluationResults is the answer of GET /evaluations/{id}/results.
type EvaluationResults struct {
	Evaluation Evaluation      `json:"evaluation"`
	Groups     []ResultGroup   `json:"groups"`
	Subjects   []ResultSubject `json:"subjects"`
}

// ResultGroup is a rater group: its weight, and its ballots when it
// reached the minimum size (shown); a group below it shows nothing.
type ResultGroup struct {
	Code    string  `json:"code"`
	Weight  float64 `json:"weight"`
	Shown   bool    `json:"shown"`
	Cast    *int    `json:"cast,omitempty"`
	Valid   *int    `json:"valid,omitempty"`
	Invalid *int    `json:"invalid,omitempty"`
}

// ResultSubject is the tallies of one subject.
type ResultSubject struct {
	Kind string `json:"kind"`
	// Entity is the engine entity ID: the person's or the unit's ID.
	Entity string       `json:"entity"`
	Name   string       `json:"name"`
	Detail string       `json:"detail"`
	Items  []ResultItem `json:"items"`
}

// ResultItem is the tally of one questionnaire item: per shown group (by
// code) and combined.
type ResultItem struct {
	// Item is the item reference, e.g. "cadre.overall".
	Item     string                `json:"item"`
	Groups   map[string]ResultCell `json:"groups"`
	Combined ResultCell            `json:"combined"`
}

// ResultCell is one tally. Value is the mean points or trimmed mean;
// Favourable the share of the two best grades; Counts the votes per grade,
// best first. Null when there is nothing to tally.
type ResultCell struct {
	Votes      int      `json:"votes"`
	Counts     []int    `json:"counts,omitempty"`
	Value      *float64 `json:"value"`
	Favourable *float64 `json:"favourable,omitempty"`
}

func toCell(c survey.Cell) ResultCell {
	return ResultCell{Votes: c.Votes, Counts: c.Counts, Value: number(c.Value), Favourable: number(c.Favourable)}
}

// number is v, or nil for NaN.
func number(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

// RatingList is the answer of GET /evaluations/{id}/ratings: the engine's
// rating rows (score.Rating), the indicator being the item reference.
type RatingList struct {
	Ratings []Rating `json:"ratings"`
}

// Rating is one rating row as the engine reads it.
type Rating struct {
	Entity    string  `json:"entity"`
	Indicator string  `json:"indicator"`
	Group     string  `json:"group"`
	Score     float64 `json:"score,omitempty"`
	Grade     string  `json:"grade,omitempty"`
	Count     int     `json:"count,omitempty"`
}
