package auth

import (
	"context"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// AuditLog lists the audit log within the scopes the policy gives the actor
// for reading it, newest first, filtered by f (its Scopes are replaced). An
// actor with no such scope is refused: Forbidden where it holds a grant,
// NotFound otherwise.
func (s *Service) AuditLog(ctx context.Context, a *Actor, f audit.Filter) ([]audit.Entry, error) {
	if s.pol.Scope(a, ActAuditRead).Empty() {
		if a != nil {
			for _, g := range a.Grants {
				if err := s.pol.Authorize(a, ActAuditRead, g.UnitPath); err != nil {
					return nil, err
				}
			}
		}
		return nil, errs.New(errs.NotFound, "error.not_found", "not found")
	}
	f.Scopes = s.pol.Scopes(a, ActAuditRead)
	var out []audit.Entry
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = audit.List(ctx, tx, f)
		return err
	})
	return out, err
}
