package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Share is what a sharing token lets a consuming system (a 干部管理信息系统,
// a big-data bureau) read: the published results and the values of the
// catalogue items it names, of the units in the subtree of UnitID. It is
// an API token like any other, created by an office for the subtree it
// manages users in (ActUserManage), and acts as a reader (the viewer role)
// of that subtree only, on the sharing routes only; see
// docs/decisions/0181-sharing-tokens.md.
type Share struct {
	// TokenID is the token's id; set on the actor of a request.
	TokenID int64
	// System names the consuming system, e.g. 市干部管理信息系统.
	System string
	// UnitID is the subtree; UnitPath and UnitName are loaded.
	UnitID             int64
	UnitPath, UnitName string
	// Results lets the system read the published results of cycles.
	Results bool
	// Items are the data item codes whose values it may read, sorted.
	Items []string
}

// MayReadItem reports whether the share names the data item code.
func (s *Share) MayReadItem(code string) bool { return slices.Contains(s.Items, code) }

// shareItemsMax bounds the items of one token.
const shareItemsMax = 200

// CreateShareToken makes a sharing token named name for sh.System, scoped
// to sh's subtree, results and items; ttl ≤ 0 makes one that does not
// expire. The actor needs ActUserManage on the subtree. It returns the
// token, shown only this once.
func (s *Service) CreateShareToken(ctx context.Context, actor *Actor, name string, ttl time.Duration, sh Share) (APIToken, string, error) {
	if actor == nil || (actor.UserID == 0 && !actor.System) {
		return APIToken{}, "", signedOut()
	}
	if err := s.pol.RequireAny(actor, ActUserManage); err != nil {
		return APIToken{}, "", err
	}
	var bad errs.List
	if name == "" || len(name) > 100 {
		bad.Add(errs.Field("name", "auth.token.name_invalid", "a token needs a name of 1 to 100 characters"))
	}
	if sh.System == "" || len(sh.System) > 100 {
		bad.Add(errs.Field("system", "auth.share.system_invalid", "name the consuming system in 1 to 100 characters"))
	}
	items := map[string]bool{}
	for _, it := range sh.Items {
		if it = strings.TrimSpace(it); it != "" {
			items[it] = true
		}
	}
	sh.Items = sh.Items[:0]
	for it := range items {
		if strings.Contains(it, ",") {
			bad.Add(errs.Field("items", "auth.share.items_invalid", "an item code holds no comma"))
			break
		}
		sh.Items = append(sh.Items, it)
	}
	slices.Sort(sh.Items)
	if len(sh.Items) > shareItemsMax {
		bad.Add(errs.Field("items", "auth.share.items_invalid", "too many items"))
	}
	if !sh.Results && len(sh.Items) == 0 {
		bad.Add(errs.Field("items", "auth.share.empty", "a sharing token reads results, items or both"))
	}
	if err := bad.Err(); err != nil {
		return APIToken{}, "", err
	}
	token, th := newToken(APITokenPrefix)
	t := APIToken{ID: db.NewID(), Name: name}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		refs, err := s.units.UnitRefs(ctx, tx, []int64{sh.UnitID})
		if err != nil {
			return err
		}
		u, ok := refs[sh.UnitID]
		if !ok {
			return errs.Field("unit", "auth.share.unit_unknown", "no such unit")
		}
		if err := s.pol.Authorize(actor, ActUserManage, u.Path); err != nil {
			return err
		}
		// The token belongs to its creator: it stops with the creator's
		// account, and the system's own are owned by the first office.
		t.UserID = actor.UserID
		if t.UserID == 0 {
			return errs.Field("unit", "auth.share.owner", "a sharing token is created by a user")
		}
		t.CreatedAt = tx.Now
		var expires int64
		if ttl > 0 {
			t.ExpiresAt = tx.Now.Add(ttl)
			expires = t.ExpiresAt.UnixMicro()
		}
		sh.UnitPath, sh.UnitName = u.Path, u.Name
		t.Share = &sh
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, last_used_at,
			share_unit_id, share_system, share_results, share_items) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10)`,
			t.ID, t.UserID, name, th, tx.Now.UnixMicro(), expires, sh.UnitID, sh.System, sh.Results, strings.Join(sh.Items, ",")); err != nil {
			return fmt.Errorf("create sharing token: %w", err)
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "token.share", ObjectType: "api_token", ObjectID: db.FormatID(t.ID), UnitPath: u.Path,
			After: map[string]any{"name": name, "system": sh.System, "unit_id": sh.UnitID, "results": sh.Results,
				"items": sh.Items, "expires_at": expires},
		})
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return t, token, nil
}

// shareActor is the actor a sharing token acts as: a reader of the
// subtree, named after the system, marked with its share. The owner
// must still manage users there, or the token no longer works.
func (s *Service) shareActor(ctx context.Context, tx *db.Tx, owner *User, sh *Share) (*Actor, error) {
	refs, err := s.units.UnitRefs(ctx, tx, []int64{sh.UnitID})
	if err != nil {
		return nil, err
	}
	u, ok := refs[sh.UnitID]
	if !ok || s.pol.Authorize(owner.Actor(), ActUserManage, u.Path) != nil {
		return nil, errs.New(errs.Unauthorized, "auth.share.lapsed", "the sharing token's owner no longer manages its subtree")
	}
	sh.UnitPath, sh.UnitName = u.Path, u.Name
	return &Actor{UserID: owner.ID, Login: "share:" + db.FormatID(sh.TokenID), Name: sh.System, Lang: DefaultLang,
		Grants: []Grant{{Role: RoleViewer, UnitID: u.ID, UnitPath: u.Path, UnitCode: u.Code, UnitName: u.Name}}, Share: sh}, nil
}

// LogShareRead records that the sharing token of a answered method path
// with status and records records; it does nothing for other actors.
func (s *Service) LogShareRead(ctx context.Context, a *Actor, method, path string, status, records int) error {
	if a == nil || a.Share == nil {
		return nil
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO share_reads (id, token_id, at, method, path, status, records)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), a.Share.TokenID, tx.Now.UnixMicro(), method, path, status, records)
		if err != nil {
			return fmt.Errorf("log share read: %w", err)
		}
		return nil
	})
}

// ShareRead is one logged request of a sharing token.
type ShareRead struct {
	At              time.Time
	Method, Path    string
	Status, Records int
}

// ShareReads lists the latest limit requests of sharing token id, newest
// first; the actor needs ActUserManage on the token's subtree.
func (s *Service) ShareReads(ctx context.Context, actor *Actor, id int64, limit int) ([]ShareRead, error) {
	var out []ShareRead
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var unitID int64
		if err := tx.QueryRowContext(ctx, `SELECT share_unit_id FROM api_tokens WHERE id = $1`, id).Scan(&unitID); err != nil || unitID == 0 {
			return errs.New(errs.NotFound, "auth.token.not_found", "no such API token")
		}
		refs, err := s.units.UnitRefs(ctx, tx, []int64{unitID})
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(actor, ActUserManage, refs[unitID].Path); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT at, method, path, status, records FROM share_reads WHERE token_id = $1
			ORDER BY at DESC, id DESC LIMIT $2`, id, limit)
		if err != nil {
			return fmt.Errorf("list share reads: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r ShareRead
			var at int64
			if err := rows.Scan(&at, &r.Method, &r.Path, &r.Status, &r.Records); err != nil {
				return err
			}
			r.At = db.Micros(at)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// fillShareUnits loads the path and name of the subtree of each sharing
// token of ts.
func (s *Service) fillShareUnits(ctx context.Context, tx *db.Tx, ts []APIToken) error {
	var ids []int64
	for _, t := range ts {
		if t.Share != nil {
			ids = append(ids, t.Share.UnitID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	refs, err := s.units.UnitRefs(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.Share != nil {
			r := refs[t.Share.UnitID]
			t.Share.UnitPath, t.Share.UnitName = r.Path, r.Name
		}
	}
	return nil
}

// ShareToken returns, within tx, sharing token id with its subtree's path
// and name loaded; NotFound when there is no such sharing token. It checks
// no policy: the caller checks ActUserManage on Share.UnitPath, as for the
// token's reads.
func (s *Service) ShareToken(ctx context.Context, tx *db.Tx, id int64) (*APIToken, error) {
	ts, err := queryTokens(ctx, tx, `share_unit_id <> 0 AND id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errs.New(errs.NotFound, "auth.token.not_found", "no such API token")
	}
	if err := s.fillShareUnits(ctx, tx, ts); err != nil {
		return nil, err
	}
	return &ts[0], nil
}

// ShareActor returns, within tx, the actor sharing token id acts as, as a
// request with it would: Unauthorized when it is gone, has expired or has
// lapsed (its owner is disabled or no longer manages its subtree).
func (s *Service) ShareActor(ctx context.Context, tx *db.Tx, id int64) (*Actor, error) {
	a, _, _, err := s.tokenActor(ctx, tx, `share_unit_id <> 0 AND id = $1`, id)
	return a, err
}
