package collect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// CatalogueEntry is a data item as the data catalogue (数据目录) lists it:
// the item — one source per item (R9.1) — with when a value of it was
// last submitted and how many entities have a current value.
type CatalogueEntry struct {
	Item *Item
	// LastUpdate is the latest submission of a value; zero for none.
	LastUpdate time.Time
	// Entities counts the entities with a current value, in any period.
	Entities int
	// Editable says the actor may manage the item: its owner is in the
	// actor's scope of item writing. Items the platform's own packages
	// publish (好差评 rates, delivery rates) are edited by nobody here.
	Editable bool
}

// Catalogue lists the data items whose code, name, description or owner
// department contains query ("" for all), by owner. Every signed-in actor
// may read the catalogue: it holds definitions, not values.
func (s *Service) Catalogue(ctx context.Context, a *auth.Actor, query string) ([]*CatalogueEntry, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	query = strings.ToLower(strings.TrimSpace(query))
	writable := s.pol.Scope(a, auth.ActItemWrite)
	var out []*CatalogueEntry
	err := s.db.View(ctx, func(tx *db.Tx) error {
		items, err := queryItems(ctx, tx, "")
		if err != nil {
			return err
		}
		sortByOwner(items)
		index := map[string]*CatalogueEntry{}
		for _, it := range items {
			hay := strings.ToLower(it.Code + " " + it.Name + " " + it.Description + " " + it.OwnerName)
			if query == "" || strings.Contains(hay, query) {
				e := &CatalogueEntry{Item: it, Editable: writable.Contains(it.OwnerPath)}
				index[it.Code] = e
				out = append(out, e)
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT item_code, MAX(created_at), COUNT(DISTINCT CASE WHEN is_current THEN entity_id END)
			FROM data_values GROUP BY item_code`)
		if err != nil {
			return fmt.Errorf("catalogue updates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var last int64
			var n int
			if err := rows.Scan(&code, &last, &n); err != nil {
				return err
			}
			if e := index[code]; e != nil {
				e.LastUpdate, e.Entities = db.Micros(last), n
			}
		}
		return rows.Err()
	})
	return out, err
}
