package locale

import "strings"

// The labels of the codes the interface shows: each code is shown by its
// label and never as is. One function per kind of code, so that every page,
// export and command line shows a code the same way. The tests of the
// packages that own the codes check that every code has its label.

// Message key prefixes of the labels.
const (
	RolePrefix        = "role."
	AuditActionPrefix = "audit.act."
	AuditObjectPrefix = "audit.obj."
	// FindingCategoryPrefix and FindingSeverityPrefix label the codes of a
	// finding (问题线索): its category, e.g. integrity, and its severity,
	// e.g. severe.
	FindingCategoryPrefix = "finding.category."
	FindingSeverityPrefix = "finding.severity."
)

// Role is the label of a role (auth.Role), e.g. 考核组 for "team".
func (l *Localizer) Role(role string) string { return l.T(RolePrefix + role) }

// AuditAction is the label of an audit event's action, e.g. 登录 for
// "session.signin".
func (l *Localizer) AuditAction(action string) string { return l.T(AuditActionPrefix + action) }

// AuditObject is the label of the type of an audit event's object, e.g.
// 考核周期 for "cycle".
func (l *Localizer) AuditObject(objectType string) string { return l.T(AuditObjectPrefix + objectType) }

// FindingCategory is the label of a finding category, e.g. 党风廉政 for
// "integrity"; a code without a label shows as is.
func (l *Localizer) FindingCategory(code string) string {
	return l.labelOr(FindingCategoryPrefix, code)
}

// FindingSeverity is the label of a finding severity, e.g. 严重 for
// "severe"; a code without a label shows as is.
func (l *Localizer) FindingSeverity(code string) string {
	return l.labelOr(FindingSeverityPrefix, code)
}

// FindingKind is a finding's category and severity, e.g. 党风廉政·严重.
func (l *Localizer) FindingKind(category, severity string) string {
	return l.FindingCategory(category) + "·" + l.FindingSeverity(severity)
}

// labelOr is the label of code under prefix, or the code when it has none.
func (l *Localizer) labelOr(prefix, code string) string {
	if l.Has(prefix + code) {
		return l.T(prefix + code)
	}
	return code
}

// Has reports whether key has a message in every language.
func (l *Localizer) Has(key string) bool { return l.b != nil && l.b.Has(key) }

// Labelled returns the codes that have a label under prefix, sorted by
// code: the choices of a filter.
func (b *Bundle) Labelled(prefix string) []string {
	var out []string
	for _, k := range b.keys[Default] {
		if code, ok := strings.CutPrefix(k, prefix); ok {
			out = append(out, code)
		}
	}
	return out
}
