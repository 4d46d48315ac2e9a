package web

import (
	"context"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/locale"
	"kaohe/internal/org"
)

// groupNames names the comparison groups of cycles (cycle.Entity.Group):
// a category by its name, the level of units without a category by its
// label.
type groupNames struct {
	categories map[string]string // code → name
	loc        *locale.Localizer
}

// groupNames reads the names of the categories, to show groups in loc's
// language.
func (h *Handler) groupNames(ctx context.Context, a *auth.Actor, loc *locale.Localizer) (groupNames, error) {
	names, err := h.categoryCodes(ctx, a)
	if err != nil {
		return groupNames{}, err
	}
	return groupNames{categories: names, loc: loc}, nil
}

// Of is the name of group code.
func (g groupNames) Of(code string) string {
	if name, ok := g.categories[code]; ok {
		return name
	}
	if slices.Contains(org.Levels, org.Level(code)) {
		return g.loc.T("unit.level." + code)
	}
	return code
}
