package api

import (
	"encoding/json"
	"math"
	"strconv"

	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// Scheme is an assessment scheme.
type Scheme struct {
	ID   string `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	// Subject is "unit" (leadership teams) or "person" (cadres).
	Subject     string `json:"subject"`
	OwnerUnitID string `json:"owner_unit_id"`
	Description string `json:"description"`
	// Categories are the codes of the categories the scheme applies to.
	Categories []string `json:"categories"`
	// Versions are the scheme's versions, newest first, without documents;
	// only in single-scheme answers.
	Versions []SchemeVersion `json:"versions,omitempty"`
}

// SchemeList lists schemes.
type SchemeList struct {
	Schemes []Scheme `json:"schemes"`
}

// SchemeVersion is one version of a scheme. Document is the engine's
// scheme JSON exactly as stored (canonical), present when one version is
// asked for.
type SchemeVersion struct {
	ID             string          `json:"id"`
	Number         int             `json:"number"`
	Status         string          `json:"status"`
	Locked         bool            `json:"locked"`
	Reason         string          `json:"reason"`
	EffectiveCycle string          `json:"effective_cycle"`
	EffectiveFrom  string          `json:"effective_from"`
	Author         string          `json:"author"`
	CreatedAt      string          `json:"created_at"`
	Digest         string          `json:"digest"`
	Document       json.RawMessage `json:"document,omitempty"`
}

// VersionImport is the body of a new version: a scheme file (a bundle as
// the JSON export writes it, or a bare engine document) with the reason
// and effective cycle.
type VersionImport struct {
	Reason         string          `json:"reason"`
	EffectiveCycle string          `json:"effective_cycle"`
	EffectiveFrom  string          `json:"effective_from"`
	Scheme         json.RawMessage `json:"scheme"`
}

// WeightsEdit is the body of POST …/versions/{n}/weights: the expert
// weights to set in a draft; the others stay.
type WeightsEdit struct {
	Weights []WeightEdit `json:"weights"`
}

// WeightEdit is one expert weight, in percent, of an indicator in a
// category ("" or absent: the default weights).
type WeightEdit struct {
	Indicator string `json:"indicator"`
	Category  string `json:"category"`
	// Weight is required; a pointer tells a missing one from 0.
	Weight *float64 `json:"weight"`
}

// AHPEdit is the body of POST …/versions/{n}/ahp: the pairwise comparison
// matrix of a node's scored children (node "" for the top-level
// dimensions), in document order, row i against column j.
type AHPEdit struct {
	Node   string      `json:"node"`
	Matrix [][]float64 `json:"matrix"`
}

// RulesEdit is the body of POST …/versions/{n}/rules: every finding rule
// of a draft, replacing those it had.
type RulesEdit struct {
	Rules []RuleEdit `json:"finding_rules"`
}

// RuleEdit is one finding rule: findings of category and severity count
// points each on a bonus or deduction item, or flag a veto item.
type RuleEdit struct {
	Category  string  `json:"category"`
	Severity  string  `json:"severity"`
	Indicator string  `json:"indicator"`
	Points    float64 `json:"points"`
}

// DiffRule is a finding rule added (old null), removed (new null) or
// changed.
type DiffRule struct {
	Category string        `json:"category"`
	Severity string        `json:"severity"`
	Old      *DiffRuleSide `json:"old"`
	New      *DiffRuleSide `json:"new"`
}

// DiffRuleSide is what a rule gives: points on an indicator, or a veto.
type DiffRuleSide struct {
	Indicator string  `json:"indicator"`
	Points    float64 `json:"points"`
	Veto      bool    `json:"veto"`
}

// LibraryIndicator is an entry of the indicator library.
type LibraryIndicator struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Unit        string `json:"unit"`
	Direction   string `json:"direction"`
	Kind        string `json:"kind"`
	DataItem    string `json:"data_item"`
	Formula     string `json:"formula"`
	Key         bool   `json:"key"`
	Leading     bool   `json:"leading"`
	Description string `json:"description"`
}

// IndicatorList lists the library.
type IndicatorList struct {
	Indicators []LibraryIndicator `json:"indicators"`
}

// SchemeDiff is the difference between two versions. Weights are expert
// weights (percent) and effective weights (fractions; null when they
// depend on the data); category "" is the default weights.
type SchemeDiff struct {
	From    int                `json:"from"`
	To      int                `json:"to"`
	Added   []string           `json:"added"`
	Removed []string           `json:"removed"`
	Renamed []DiffRename       `json:"renamed"`
	Weights []DiffWeight       `json:"weights"`
	Methods []DiffMethodChange `json:"methods"`
	Rules   []DiffRule         `json:"rules"`
}

// DiffRename is a renamed indicator.
type DiffRename struct {
	Code string `json:"code"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// DiffWeight is a changed weight in one category.
type DiffWeight struct {
	Code         string   `json:"code"`
	Category     string   `json:"category"`
	Old          float64  `json:"old"`
	New          float64  `json:"new"`
	OldEffective *float64 `json:"old_effective"`
	NewEffective *float64 `json:"new_effective"`
}

// DiffMethodChange is a changed setting; Code "" is the whole scheme.
type DiffMethodChange struct {
	Code  string `json:"code"`
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Streamline is the streamlining report.
type Streamline struct {
	Units      []StreamlineUnit      `json:"units"`
	Shared     []StreamlineShared    `json:"shared"`
	Correlated []StreamlinePair      `json:"correlated"`
	Duplicates []StreamlineDuplicate `json:"duplicates"`
}

// StreamlineUnit is the burden of one unit.
type StreamlineUnit struct {
	UnitID     string   `json:"unit_id"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Category   string   `json:"category"`
	Schemes    []string `json:"schemes"`
	Indicators []string `json:"indicators"`
	Items      []string `json:"items"`
}

// StreamlineShared is a data item used by several schemes or indicators.
type StreamlineShared struct {
	Item       string   `json:"item"`
	Schemes    []string `json:"schemes"`
	Indicators []string `json:"indicators"`
}

// StreamlinePair is two strongly correlated indicators, over the values
// of the same unit and period: n of them, of units units, in periods.
type StreamlinePair struct {
	A       string   `json:"a"`
	B       string   `json:"b"`
	R       float64  `json:"r"`
	N       int      `json:"n"`
	Units   int      `json:"units"`
	Periods []string `json:"periods"`
}

// StreamlineDuplicate is two data items carrying the same data: identical
// values, or r within 0.001 of ±1, over the same units and periods.
type StreamlineDuplicate struct {
	A         string   `json:"a"`
	B         string   `json:"b"`
	Identical bool     `json:"identical"`
	R         *float64 `json:"r"`
	N         int      `json:"n"`
	Units     int      `json:"units"`
	Periods   []string `json:"periods"`
}

func toScheme(s *scheme.Scheme) Scheme {
	cats := s.Categories
	if cats == nil {
		cats = []string{}
	}
	return Scheme{ID: strconv.FormatInt(s.ID, 10), Code: s.Code, Name: s.Name, Subject: string(s.Subject),
		OwnerUnitID: strconv.FormatInt(s.OwnerUnitID, 10), Description: s.Description, Categories: cats}
}

func toVersion(v *scheme.Version, withDoc bool) SchemeVersion {
	out := SchemeVersion{ID: strconv.FormatInt(v.ID, 10), Number: v.Number, Status: string(v.Status), Locked: v.Locked,
		Reason: v.Reason, EffectiveCycle: v.EffectiveCycle, EffectiveFrom: v.EffectiveFrom, Author: v.Author,
		CreatedAt: v.CreatedAt.Format("2006-01-02T15:04:05.000000Z07:00"), Digest: v.Digest}
	if withDoc {
		out.Document = json.RawMessage(v.Document)
	}
	return out
}

func toDiff(d *scheme.Diff) SchemeDiff {
	out := SchemeDiff{From: d.From, To: d.To, Added: []string{}, Removed: []string{}, Renamed: []DiffRename{},
		Weights: []DiffWeight{}, Methods: []DiffMethodChange{}, Rules: []DiffRule{}}
	for _, r := range d.Added {
		out.Added = append(out.Added, r.Code)
	}
	for _, r := range d.Removed {
		out.Removed = append(out.Removed, r.Code)
	}
	for _, r := range d.Renamed {
		out.Renamed = append(out.Renamed, DiffRename{Code: r.Code, Old: r.Old, New: r.New})
	}
	num := func(x float64) *float64 {
		if math.IsNaN(x) {
			return nil
		}
		return &x
	}
	for _, w := range d.Weights {
		out.Weights = append(out.Weights, DiffWeight{Code: w.Code, Category: w.Category, Old: w.Old, New: w.New,
			OldEffective: num(w.OldEffective), NewEffective: num(w.NewEffective)})
	}
	for _, m := range d.Methods {
		out.Methods = append(out.Methods, DiffMethodChange{Code: m.Code, Field: m.Field, Old: m.Old, New: m.New})
	}
	side := func(ref *scheme.RuleRef) *DiffRuleSide {
		if ref == nil {
			return nil
		}
		return &DiffRuleSide{Indicator: ref.Indicator, Points: ref.Points, Veto: ref.Kind == score.KindVeto}
	}
	for _, rc := range d.Rules {
		out.Rules = append(out.Rules, DiffRule{Category: rc.Category, Severity: rc.Severity, Old: side(rc.Old), New: side(rc.New)})
	}
	return out
}
