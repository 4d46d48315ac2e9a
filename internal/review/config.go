package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Config is the review scheme of a jurisdiction: the nearest configured
// unit at or above a unit gives the unit's; none gives DefaultConfig.
type Config struct {
	// Points are the points of each level.
	Points map[Level]float64 `json:"points"`
	// WindowDays is how many days after a case is finished it may be
	// reviewed; a later review is refused.
	WindowDays int `json:"window_days"`
	// InviteDays is how many days after it is finished an unreviewed case
	// goes on the 邀评 list.
	InviteDays int `json:"invite_days"`
	// DefaultDays, when above 0, makes a case still unreviewed that many
	// days after it was finished count as DefaultLevel (默认评价): recorded
	// as a default, never shown as a person's review. 0 is off.
	DefaultDays  int   `json:"default_days"`
	DefaultLevel Level `json:"default_level"`
	// KeepContact keeps reviewers' contacts in clear; otherwise only a
	// salted hash is kept.
	KeepContact bool `json:"keep_contact"`
}

// DefaultConfig is the scheme where none is configured: the national five
// points to one, a 30-day window, 邀评 after 3 days, no default level.
func DefaultConfig() Config {
	return Config{Points: map[Level]float64{VerySatisfied: 5, Satisfied: 4, Fair: 3, Unsatisfied: 2, VeryUnsatisfied: 1},
		WindowDays: 30, InviteDays: 3}
}

// problems checks the configuration.
func (c *Config) problems() errs.List {
	var l errs.List
	for _, lv := range Levels {
		p, ok := c.Points[lv]
		if !ok || p < 0 || p > 100 {
			e := errs.Field("points."+string(lv), "review.config.points_invalid", "the points of a level are a number from 0 to 100")
			e.Args = map[string]any{"level": levelLabels[lv]}
			l.Add(e)
		}
	}
	if c.WindowDays < 1 || c.WindowDays > 366 {
		l.Add(errs.Field("window_days", "review.config.window_invalid", "the review window is 1 to 366 days"))
	}
	if c.InviteDays < 0 || c.InviteDays > c.WindowDays {
		l.Add(errs.Field("invite_days", "review.config.invite_invalid", "the invitation delay is 0 days up to the review window"))
	}
	switch {
	case c.DefaultDays < 0 || c.DefaultDays > 366:
		l.Add(errs.Field("default_days", "review.config.default_days_invalid", "the default delay is 0 (off) to 366 days"))
	case c.DefaultDays > 0 && !c.DefaultLevel.Valid():
		l.Add(errs.Field("default_level", "review.config.default_level_invalid", "choose the level an unreviewed case counts as"))
	}
	return l
}

// configFor returns the configuration that applies to the unit at path.
func configFor(ctx context.Context, tx *db.Tx, path string) (Config, error) {
	ids := pathIDs(path)
	var args []any
	q := `SELECT unit_id, doc FROM review_config WHERE unit_id IN (` + db.In(&args, ids) + `)`
	docs := map[int64]string{}
	err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
		var id int64
		var doc string
		if err := scan(&id, &doc); err != nil {
			return err
		}
		docs[id] = doc
		return nil
	})
	if err != nil {
		return Config{}, fmt.Errorf("read review config: %w", err)
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if doc, ok := docs[ids[i]]; ok {
			var c Config
			if err := json.Unmarshal([]byte(doc), &c); err != nil {
				return Config{}, fmt.Errorf("review config of unit %d: %w", ids[i], err)
			}
			return c, nil
		}
	}
	return DefaultConfig(), nil
}

// pathIDs are the ids of the units of path, from the root down.
func pathIDs(path string) []int64 {
	var out []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// ConfigOf returns the configuration that applies to unit id. The actor
// needs ActServiceRead on it.
func (s *Service) ConfigOf(ctx context.Context, a *auth.Actor, unitID int64) (Config, error) {
	var c Config
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceRead, unitID)
		if err != nil {
			return err
		}
		c, err = configFor(ctx, tx, u.Path)
		return err
	})
	return c, err
}

// SetConfig sets the configuration of unit id's jurisdiction. The actor
// needs ActServiceDecide on it. Bad input writes nothing.
func (s *Service) SetConfig(ctx context.Context, a *auth.Actor, unitID int64, c Config) error {
	if err := signedIn(a); err != nil {
		return err
	}
	if l := c.problems(); len(l) > 0 {
		return l
	}
	if c.DefaultDays == 0 {
		c.DefaultLevel = ""
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceDecide, unitID)
		if err != nil {
			return err
		}
		var old string
		err = tx.QueryRowContext(ctx, `SELECT doc FROM review_config WHERE unit_id = $1`, unitID).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO review_config (unit_id, doc, updated_at) VALUES ($1, $2, $3)`, unitID, string(doc), tx.Now.UnixMicro())
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE review_config SET doc = $2, updated_at = $3 WHERE unit_id = $1`, unitID, string(doc), tx.Now.UnixMicro())
		}
		if err != nil {
			return fmt.Errorf("save review config: %w", err)
		}
		e := audit.Event{Action: "review.config", ObjectType: "unit", ObjectID: db.FormatID(unitID), UnitPath: u.Path,
			After: json.RawMessage(doc)}
		if old != "" {
			e.Before = json.RawMessage(old)
		}
		return auth.Record(ctx, tx, a, e)
	})
}

// unit reads unit id and checks that a may do action on it; a unit that
// does not exist answers NotFound as one out of sight does.
func (s *Service) unit(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) (*org.Unit, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	u, err := org.GetUnit(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.NoSuch("unit")
	}
	if err != nil {
		return nil, err
	}
	if err := s.pol.Authorize(a, action, u.Path); err != nil {
		return nil, err
	}
	return u, nil
}
