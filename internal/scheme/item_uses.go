package scheme

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// ItemUse is an indicator of an active scheme version that reads a data
// item, for the data catalogue (数据目录).
type ItemUse struct {
	SchemeID                 int64
	Scheme, SchemeName       string
	Indicator, IndicatorName string
}

// ItemUses returns, by data item code, the indicators of the active
// versions of the schemes the actor may read that read the item, in
// scheme and indicator order.
func (s *Service) ItemUses(ctx context.Context, a *auth.Actor) (map[string][]ItemUse, error) {
	scope := s.pol.Scope(a, auth.ActSchemeRead)
	if scope.Empty() {
		return nil, s.pol.Authorize(a, auth.ActSchemeRead, "/")
	}
	out := map[string][]ItemUse{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		schemes, err := listSchemes(ctx, tx, scope)
		if err != nil {
			return err
		}
		lib, err := library(ctx, tx)
		if err != nil {
			return err
		}
		for _, sc := range schemes {
			v, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM scheme_versions
				WHERE scheme_id = $1 AND status = 'active'`, sc.ID))
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("scheme %s: active version: %w", sc.Code, err)
			}
			parents := parentSet(v.Doc)
			for _, ind := range v.Doc.Indicators {
				def, ok := lib[ind.Code]
				if parents[ind.Code] || !ok {
					continue
				}
				for _, it := range def.Items() {
					use := ItemUse{SchemeID: sc.ID, Scheme: sc.Code, SchemeName: sc.Name, Indicator: ind.Code, IndicatorName: ind.Name}
					if !slices.Contains(out[it], use) {
						out[it] = append(out[it], use)
					}
				}
			}
		}
		return nil
	})
	return out, err
}
