package review

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// The thresholds of the fraud checks (docs/decisions/0131-review-fraud-checks.md).
const (
	// burstWindow, burstLimit and burstAddrLimit: more than burstLimit
	// reviews from one device, or burstAddrLimit from one address (a hall's
	// Wi-Fi or a carrier's NAT holds many phones), within burstWindow is a
	// burst.
	burstWindow    = 10 * time.Minute
	burstLimit     = 5
	burstAddrLimit = 100
	// runWindow and runLength: runLength reviews of one item in a row with
	// the same level within runWindow is improbable.
	runWindow  = time.Hour
	runLength  = 20
	runBase    = 30
	runMinBase = 50
	runChance  = 0.001
)

// checks runs the fraud checks on review r about to be written from in, by
// viewer (nil for the public) of a case of the unit at unitPath.
func checks(ctx context.Context, tx *db.Tx, r *Review, in *intake, viewer *auth.Actor, unitPath string) ([]Flag, error) {
	var out []Flag
	since := r.ReviewedAt.Add(-burstWindow).UnixMicro()
	for _, k := range []struct {
		col, hash string
		limit     int
	}{{"device_hash", in.device, burstLimit}, {"addr_hash", in.addr, burstAddrLimit}} {
		if k.hash == "" {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM reviews WHERE `+k.col+` = $1 AND reviewed_at >= $2 LIMIT `+
			strconv.Itoa(k.limit)+`) b`, k.hash, since).Scan(&n); err != nil {
			return nil, fmt.Errorf("burst check: %w", err)
		}
		if n >= k.limit {
			out = append(out, Flag{Code: FlagBurst, Args: map[string]any{"count": n + 1, "minutes": int(burstWindow.Minutes())}})
			break
		}
	}
	if viewer != nil && staffOf(viewer, unitPath) {
		out = append(out, Flag{Code: FlagStaff, Args: map[string]any{"login": viewer.Login}})
	}
	run, chance, err := sameRun(ctx, tx, r)
	if err != nil {
		return nil, err
	}
	if run {
		out = append(out, Flag{Code: FlagRun, Args: map[string]any{"count": runLength, "minutes": int(runWindow.Minutes()),
			"chance": strconv.FormatFloat(chance*100, 'g', 2, 64)}})
	}
	return out, nil
}

// staffOf reports whether a holds a grant on the unit at path or on a unit
// inside it: its own staff reviewing its case.
func staffOf(a *auth.Actor, path string) bool {
	for _, g := range a.Grants {
		if g.UnitPath != "" && strings.HasPrefix(g.UnitPath, path) {
			return true
		}
	}
	return false
}

// sameRun reports whether r completes an improbable run: the item's last
// runLength-1 reviews within runWindow all have r's level, and a run that
// long has a chance below runChance given the share of that level among
// the item's reviews of the last runBase days (at least runMinBase of
// them).
func sameRun(ctx context.Context, tx *db.Tx, r *Review) (bool, float64, error) {
	since := r.ReviewedAt.Add(-runWindow).UnixMicro()
	n, same := 0, 0
	err := db.EachRow(ctx, tx, `SELECT level FROM reviews WHERE item_id = $1 AND reviewed_at >= $2 AND is_default = 0
		ORDER BY reviewed_at DESC LIMIT `+strconv.Itoa(runLength-1), []any{r.ItemID, since}, func(scan func(...any) error) error {
		var l Level
		if err := scan(&l); err != nil {
			return err
		}
		n++
		if l == r.Level {
			same++
		}
		return nil
	})
	if err != nil {
		return false, 0, fmt.Errorf("run check: %w", err)
	}
	if n < runLength-1 || same < n {
		return false, 0, nil
	}
	var total, level int
	base := r.ReviewedAt.AddDate(0, 0, -runBase).UnixMicro()
	if err := tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN level = $3 THEN 1 ELSE 0 END), 0) FROM reviews
		WHERE item_id = $1 AND reviewed_at >= $2 AND is_default = 0`, r.ItemID, base, string(r.Level)).Scan(&total, &level); err != nil {
		return false, 0, fmt.Errorf("run base: %w", err)
	}
	if total < runMinBase {
		return false, 0, nil
	}
	chance := math.Pow(float64(level)/float64(total), runLength)
	return chance < runChance, chance, nil
}
