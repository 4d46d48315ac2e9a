// Package collect holds the data items the assessment uses and their
// values: each item is owned by one provider department (统计局, 财政局,
// 生态环境局 …), which submits its values once per entity and period, by
// form, Excel workbook, CSV or the API; every scheme reuses them.
//
// A value is never overwritten: a correction is a new version with a
// reason, the old one kept. A value far from the entity's value of the
// previous period is flagged for checking, not rejected. Every submission
// is all-or-nothing: a batch with one bad row writes nothing and reports
// every bad row and field at once.
package collect

import (
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Service manages data items, values, deadlines and evidence. Each method
// checks the actor against the policy, runs in one transaction and records
// an audit event for every change.
type Service struct {
	db    *db.DB
	pol   auth.Policy
	first FirstValuesListener
}

// NewService returns a Service on d that asks pol who may do what.
func NewService(d *db.DB, pol auth.Policy) *Service {
	return &Service{db: d, pol: pol}
}

// signedIn returns Unauthorized for a nil actor.
func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	return nil
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}
