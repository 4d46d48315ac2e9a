package demo

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/org"
)

// The sharing step issues one sharing token (decision 0181), as the city's
// assessment office: 青州市's 干部管理信息系统 reads the published results
// of the city and the values of the environment and growth items through
// /api/v1/share. The token is random, like any token, and shown once, in
// the build's summary.

// shareItems are the items the demo's consuming system reads.
var shareItems = []string{"GDP_GROWTH", "PM25", "WATER_QUALITY"}

// buildSharing creates the demo's sharing token.
func buildSharing(ctx context.Context, b *builder) error {
	users := auth.NewService(b.d, auth.Policy{}, org.GrantUnits{})
	office, err := users.UserByLogin(ctx, b.actor, signIns[0].login)
	if err != nil {
		return fmt.Errorf("sharing: %w", err)
	}
	city := b.j.cities[0].unit
	_, token, err := users.CreateShareToken(ctx, office.Actor(), "干部管理信息系统接口", 0,
		auth.Share{System: city.Name + "干部管理信息系统", UnitID: city.ID, Results: true, Items: shareItems})
	if err != nil {
		return fmt.Errorf("sharing token: %w", err)
	}
	b.sum.ShareToken = token
	return nil
}
