package web

import (
	"testing"

	"kaohe/internal/finding"
	"kaohe/internal/locale"
)

// TestReviewKeys checks the keys the review pages and the finding
// package build at run time: each criterion's label and missing-item
// error, each step, outcome, accusation, audience and archive state.
func TestReviewKeys(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range finding.Criteria {
		keys = append(keys, "finding.criterion."+string(c), "finding.exemption.missing."+string(c))
	}
	for _, s := range finding.Steps {
		keys = append(keys, "finding.exemption.step."+string(s))
	}
	for _, o := range []finding.Outcome{finding.OutcomeExempt, finding.OutcomeRefuse} {
		keys = append(keys, "finding.exemption.outcome."+string(o))
	}
	for _, k := range finding.Accusations {
		keys = append(keys, "finding.clarification.kind."+string(k))
	}
	for _, a := range finding.Audiences {
		keys = append(keys, "finding.clarification.audience."+string(a))
	}
	for _, s := range finding.Statuses {
		keys = append(keys, "finding.integrity.state."+string(finding.StateOf(s)))
	}
	for _, k := range keys {
		if !b.Has(k) {
			t.Errorf("key %q missing from a locale file", k)
		}
	}
}
