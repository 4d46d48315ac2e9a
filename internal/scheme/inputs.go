package scheme

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/score"
)

// The functions of this file are what an assessment cycle reads of the
// tables scheme owns, inside the cycle's transaction; the server wires them
// into the cycle package's sources.

// VersionDocument returns the scheme document of version id, its canonical
// JSON as stored, and the scheme's subject ("unit" or "person").
func VersionDocument(ctx context.Context, tx *db.Tx, id int64) (*score.Scheme, []byte, string, error) {
	var document, subject string
	err := tx.QueryRowContext(ctx, `SELECT v.document, s.subject FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id
		WHERE v.id = $1`, id).Scan(&document, &subject)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, "", errs.NoSuch("scheme version")
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("read scheme version: %w", err)
	}
	doc := new(score.Scheme)
	if err := json.Unmarshal([]byte(document), doc); err != nil {
		return nil, nil, "", fmt.Errorf("scheme version %d: stored document: %w", id, err)
	}
	return doc, []byte(document), subject, nil
}

// Leaf says where the raw value of a scheme leaf comes from.
type Leaf struct {
	Code string
	Kind score.Kind
	// Item is the data item of a value leaf, or the questionnaire item
	// reference of a qualitative leaf (e.g. "cadre.overall"); "" for a
	// formula.
	Item    string
	Formula *Formula
}

// Leaves returns the sources of doc's leaves in scheme order: the indicator
// library names each leaf's data item or formula; a leaf missing from the
// library, or naming neither, reads the data item (or rating reference) of
// its own code.
func Leaves(ctx context.Context, tx *db.Tx, doc *score.Scheme) ([]Leaf, error) {
	parents := map[string]bool{}
	for _, ind := range doc.Indicators {
		parents[ind.Parent] = true
	}
	type entry struct{ item, formula string }
	lib := map[string]entry{}
	rows, err := tx.QueryContext(ctx, `SELECT code, data_item_code, formula FROM indicators`)
	if err != nil {
		return nil, fmt.Errorf("read indicator library: %w", err)
	}
	for rows.Next() {
		var code string
		var e entry
		if err := rows.Scan(&code, &e.item, &e.formula); err != nil {
			rows.Close()
			return nil, err
		}
		lib[code] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Leaf
	for _, ind := range doc.Indicators {
		if parents[ind.Code] || ind.Kind == score.KindDimension {
			continue
		}
		l := Leaf{Code: ind.Code, Kind: ind.Kind, Item: ind.Code}
		if e, ok := lib[ind.Code]; ok {
			switch {
			case e.formula != "" && ind.Kind != score.KindQualitative:
				f, err := CompileFormula(e.formula, nil)
				if err != nil {
					return nil, fmt.Errorf("indicator %s: formula: %w", ind.Code, err)
				}
				l.Item, l.Formula = "", f
			case e.item != "":
				l.Item = e.item
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// Choice is a scheme version a cycle can be made on.
type Choice struct {
	ID       int64
	SchemeID int64
	Scheme   string
	Number   int
	Subject  string
	Status   string
}

// Choices lists the active and retired versions of the schemes owned by a
// unit in sc, by scheme name and newest version first.
func Choices(ctx context.Context, tx *db.Tx, sc auth.Scope) ([]Choice, error) {
	var args []any
	return choices(ctx, tx, `v.status <> 'draft' AND `+org.UnitInScopeSQL("s.owner_unit_id", sc, &args), args)
}

// ChoiceOf describes scheme version id (a cycle's page names the version
// it is scored with); NotFound when there is none.
func ChoiceOf(ctx context.Context, tx *db.Tx, id int64) (Choice, error) {
	cs, err := choices(ctx, tx, `v.id = $1`, []any{id})
	if err != nil {
		return Choice{}, err
	}
	if len(cs) == 0 {
		return Choice{}, errs.New(errs.NotFound, "cycle.scheme_unknown", "no such scheme version")
	}
	return cs[0], nil
}

func choices(ctx context.Context, tx *db.Tx, cond string, args []any) ([]Choice, error) {
	var out []Choice
	err := db.EachRow(ctx, tx, `SELECT v.id, s.id, s.name, v.number, s.subject, v.status FROM scheme_versions v
		JOIN schemes s ON s.id = v.scheme_id WHERE `+cond+` ORDER BY s.name, v.number DESC`, args, func(scan func(...any) error) error {
		var c Choice
		if err := scan(&c.ID, &c.SchemeID, &c.Scheme, &c.Number, &c.Subject, &c.Status); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list scheme versions: %w", err)
	}
	return out, nil
}
