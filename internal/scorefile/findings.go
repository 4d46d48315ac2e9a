package scorefile

import (
	"math"
	"strconv"

	"kaohe/internal/score"
)

// Findings file headers: the finding's ID, the entity, the bonus, deduction
// or veto indicator it gives points to, the points, the status (active,
// exempted for 容错免责, voided for 澄清正名; empty means active) and an
// optional note.
var (
	findingsHeader     = []string{"finding", "entity", "indicator", "points", "status"}
	findingsNoteHeader = []string{"finding", "entity", "indicator", "points", "status", "note"}
)

// readFindings parses the findings file (UTF-8, BOM stripped).
func readFindings(file string, data []byte, sf *schemeFile, entities codes) ([]score.Finding, error) {
	t, _, err := readTable(file, data, findingsHeader, findingsNoteHeader)
	if err != nil {
		return nil, err
	}
	out := make([]score.Finding, 0, len(t.rows))
	firstLine := map[string]int{}
	for _, r := range t.rows {
		f := r.fields
		fd := score.Finding{ID: f[0], Entity: f[1], Indicator: f[2], Status: score.FindingStatus(f[4])}
		if len(f) > 5 {
			fd.Note = f[5]
		}
		if fd.ID == "" {
			return nil, t.fieldError(r, 0, "finding is empty")
		}
		if first, dup := firstLine[fd.ID]; dup {
			return nil, t.fieldError(r, 0, "duplicate finding %s (first on line %d)", quote(fd.ID), first)
		}
		firstLine[fd.ID] = r.line
		if _, ok := entities[fd.Entity]; !ok {
			return nil, t.fieldError(r, 1, "unknown entity %s (not in the entities file)", quote(fd.Entity))
		}
		switch k, ok := sf.kinds[fd.Indicator]; {
		case !ok:
			return nil, t.fieldError(r, 2, "unknown indicator %s (not in the scheme)", quote(fd.Indicator))
		case k != score.KindBonus && k != score.KindDeduction && k != score.KindVeto:
			return nil, t.fieldError(r, 2, "indicator %s is %s: findings go to bonus, deduction or veto indicators", quote(fd.Indicator), k)
		}
		p, err := strconv.ParseFloat(f[3], 64)
		switch {
		case f[3] == "":
			// A veto finding needs no points.
		case err != nil || math.IsNaN(p) || math.IsInf(p, 0):
			return nil, t.fieldError(r, 3, "points %s is not a number", quote(f[3]))
		case p < 0:
			return nil, t.fieldError(r, 3, "points %s is negative: give points as a positive number", quote(f[3]))
		}
		fd.Points = p
		switch fd.Status {
		case "":
			fd.Status = score.Active
		case score.Active, score.Exempted, score.Voided:
		default:
			return nil, t.fieldError(r, 4, "status %s is not active, exempted or voided", quote(f[4]))
		}
		out = append(out, fd)
	}
	return out, nil
}
