package scorefile

import (
	"strings"

	"kaohe/internal/score"
)

// Entities file headers: entity code, display name, comparison group, and
// optionally whether the entity has a disciplinary sanction in the period.
var (
	entitiesHeader         = []string{"entity", "name", "group"}
	entitiesSanctionHeader = []string{"entity", "name", "group", "sanction"}
)

// readEntities parses the entities file (UTF-8, BOM stripped).
func readEntities(file string, data []byte) ([]score.Entity, error) {
	t, _, err := readTable(file, data, entitiesHeader, entitiesSanctionHeader)
	if err != nil {
		return nil, err
	}
	out := make([]score.Entity, 0, len(t.rows))
	firstLine := make(map[string]int, len(t.rows))
	for _, r := range t.rows {
		e := score.Entity{ID: r.fields[0], Name: r.fields[1], Group: r.fields[2]}
		if e.ID == "" {
			return nil, t.fieldError(r, 0, "entity is empty")
		}
		if first, dup := firstLine[e.ID]; dup {
			return nil, t.fieldError(r, 0, "duplicate entity %s (first on line %d)", quote(e.ID), first)
		}
		firstLine[e.ID] = r.line
		if e.Group == "" {
			return nil, t.fieldError(r, 2, "group is empty")
		}
		if len(r.fields) > 3 {
			s, ok := parseBool(r.fields[3])
			if !ok {
				return nil, t.fieldError(r, 3, "sanction %s is not a yes/no value (true, false, 1, 0, 是, 否 or empty)", quote(r.fields[3]))
			}
			e.Sanction = s
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "no entities after the header"}
	}
	return out, nil
}

// parseBool reads a yes/no cell as written by people or spreadsheets.
func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(s) {
	case "", "0", "false", "no", "n", "否":
		return false, true
	case "1", "true", "yes", "y", "是":
		return true, true
	}
	return false, false
}

// entityIndex maps entity IDs to their rows.
func entityIndex(entities []score.Entity) codes {
	m := make(codes, len(entities))
	for i, e := range entities {
		m[e.ID] = int32(i)
	}
	return m
}
