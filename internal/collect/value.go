package collect

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"kaohe/internal/errs"
)

// Status is where a value stands in the office's review.
type Status string

// The statuses. A new value or version starts submitted.
const (
	StatusSubmitted Status = "submitted"
	StatusVerified  Status = "verified"
	StatusReturned  Status = "returned"
)

// Source says how a value arrived.
type Source string

// The sources.
const (
	SourceForm  Source = "form"
	SourceExcel Source = "excel"
	SourceCSV   Source = "csv"
	SourceAPI   Source = "api"
	// SourceVerification is a value the assessment team found on site
	// (Correct).
	SourceVerification Source = "verification"
	// SourceReview, SourceTrack and SourceFeedback are values that an
	// owning system computed and published (Publish): the 好差评 system's
	// rates, the delivery rate of commitments, the rate of rectification
	// on time.
	SourceReview   Source = "review"
	SourceTrack    Source = "track"
	SourceFeedback Source = "feedback"
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	return s == SourceForm || s == SourceExcel || s == SourceCSV || s == SourceAPI || s == SourceVerification || s.System()
}

// System reports whether s is a system that publishes the values it
// computes (Publish) rather than a way a person submits them.
func (s Source) System() bool {
	return s == SourceReview || s == SourceTrack || s == SourceFeedback
}

// status is the status a new version from s starts with: a computed
// value is not reviewed.
func (s Source) status() Status {
	if s.System() {
		return StatusVerified
	}
	return StatusSubmitted
}

// Value is one version of the value of a data item for an entity and a
// period.
type Value struct {
	ID         int64
	EntityKind EntityKind
	EntityID   int64
	// EntityCode and EntityName describe the entity (a unit's code, or
	// "person:<id>"); loaded.
	EntityCode, EntityName string
	ItemCode               string
	Period                 string
	Value                  float64
	Source                 Source
	// SubmitterID is the user who submitted the version, 0 for the system.
	SubmitterID int64
	Status      Status
	// Version counts from 1; a correction adds one.
	Version int
	// Current marks the highest version, the one every scheme uses.
	Current bool
	// Reason is why a correction (or a return) was made.
	Reason string
	// Flagged marks a value far from the entity's value of the previous
	// period (see Far).
	Flagged   bool
	CreatedAt time.Time
}

// FlagRatio is how many times larger or smaller than the previous
// period's value a value must be to be flagged.
const FlagRatio = 3.0

// Far reports whether v is far from prev, the entity's value of the
// previous period: more than FlagRatio times larger or smaller, of the
// other sign, or zero where the other is not. Such a value is flagged for
// checking, never rejected: a 3× change in a year is rare for the totals,
// rates and counts the assessment uses, and a ratio needs no history
// beyond one period (docs/decisions/0026-flagging-far-values.md).
func Far(prev, v float64) bool {
	if prev == v {
		return false
	}
	if prev == 0 || v == 0 || (prev < 0) != (v < 0) {
		return true
	}
	r := v / prev
	return r > FlagRatio || r < 1/FlagRatio
}

// cellError returns an Invalid error about a value.
func cellError(key, msg string, args map[string]any) *errs.Error {
	e := errs.Field("value", key, msg)
	e.Args = args
	return e
}

// ParseValue reads raw as a value of the item: a number, optionally with
// the item's own unit of measure after it ("12.5亿元"), a percent sign for
// a percent item, thousands separators and full-width digits; then checks
// the type and the range. raw must not be blank.
func (it *Item) ParseValue(raw string) (float64, *errs.Error) {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || strings.ContainsAny(raw, "xXpP_nN") {
		// Not plain: the slow path strips what people write beside numbers.
		v, err = it.parseLoose(raw)
		if err != nil {
			return 0, err.(*errs.Error)
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, cellError("collect.value.not_number", fmt.Sprintf("%q is not a number", raw), map[string]any{"value": raw})
	}
	return v, it.check(v)
}

// Bounds every value keeps whatever its item says: no statistic of a
// jurisdiction reaches MaxMagnitude (10¹⁵, a thousand trillion), and a
// percent item without a bound of its own is bounded by ±MaxPercent on that
// side (a growth of 1000 % is already rare; an item may set wider bounds).
const (
	MaxMagnitude = 1e15
	MaxPercent   = 1000
)

// check checks v against the item's type and range.
func (it *Item) check(v float64) *errs.Error {
	if math.Abs(v) > MaxMagnitude {
		return cellError("collect.value.too_large", fmt.Sprintf("%v is beyond ±%g", v, float64(MaxMagnitude)),
			map[string]any{"value": v, "max": float64(MaxMagnitude)})
	}
	if it.Type == TypeInteger && v != math.Trunc(v) {
		return cellError("collect.value.not_integer", fmt.Sprintf("%v is not a whole number", v), map[string]any{"value": v})
	}
	lo, hi := it.Min, it.Max
	if it.Type == TypePercent {
		if lo == nil {
			lo = ptr(float64(-MaxPercent))
		}
		if hi == nil {
			hi = ptr(float64(MaxPercent))
		}
	}
	if lo != nil && v < *lo {
		return cellError("collect.value.below_min", fmt.Sprintf("%v is below the minimum %v", v, *lo),
			map[string]any{"value": v, "min": *lo})
	}
	if hi != nil && v > *hi {
		return cellError("collect.value.above_max", fmt.Sprintf("%v is above the maximum %v", v, *hi),
			map[string]any{"value": v, "max": *hi})
	}
	return nil
}

func ptr(f float64) *float64 { return &f }

func (it *Item) parseLoose(raw string) (float64, error) {
	s := strings.TrimSpace(raw)
	if !isASCII(s) {
		s = strings.TrimSpace(width.Narrow.String(strings.ReplaceAll(s, "\u3000", " ")))
	}
	// A trailing unit of measure must be the item's own.
	num := strings.TrimRightFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	unit := strings.TrimSpace(s[len(num):])
	num = strings.TrimSpace(num)
	if unit != "" {
		measure := width.Narrow.String(it.Measure)
		switch {
		case unit == measure, unit == it.Measure:
		case unit == "%" && (it.Type == TypePercent || it.Measure == "%"):
		case num == "" || !numeric(num):
			return 0, cellError("collect.value.not_number", fmt.Sprintf("%q is not a number", raw), map[string]any{"value": raw})
		default:
			return 0, cellError("collect.value.wrong_unit",
				fmt.Sprintf("%q is given in %s, but the item is measured in %s", raw, unit, orNone(it.Measure)),
				map[string]any{"value": raw, "unit": unit, "measure": orNone(it.Measure)})
		}
	}
	// Thousands separators: 1,234,567.8.
	if strings.Contains(num, ",") && thousands(num) {
		num = strings.ReplaceAll(num, ",", "")
	}
	if !numeric(num) {
		return 0, cellError("collect.value.not_number", fmt.Sprintf("%q is not a number", raw), map[string]any{"value": raw})
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, cellError("collect.value.not_number", fmt.Sprintf("%q is not a number", raw), map[string]any{"value": raw})
	}
	return v, nil
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// numeric reports whether s is a plain decimal number: an optional sign,
// digits with at most one point, an optional exponent. No hex, no inf, no
// nan, no underscores.
func numeric(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	nd, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			nd++
		case c == '.' && !dot:
			dot = true
		case (c == 'e' || c == 'E') && nd > 0:
			rest := s[i+1:]
			if rest != "" && (rest[0] == '+' || rest[0] == '-') {
				rest = rest[1:]
			}
			return digits(rest)
		default:
			return false
		}
	}
	return nd > 0
}

// thousands reports whether s groups its integer digits by three with commas.
func thousands(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
