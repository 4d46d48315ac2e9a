package hook

import "time"

// The data of each event as posted (the "data" of the body); docs/api.md
// describes them. They name what changed and where to read it through the
// sharing API, never a score the token could not read there.

// CycleNotice is the data of CyclePublished.
type CycleNotice struct {
	CycleID string `json:"cycle_id"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Period  string `json:"period"`
	// Version is the published snapshot's number; Revised is true when
	// it replaces an earlier published version.
	Version int  `json:"version"`
	Revised bool `json:"revised"`
	// Results is the sharing API's path of the results.
	Results string `json:"results"`
}

// ReportNotice is the data of ReportReleased.
type ReportNotice struct {
	ReportID string `json:"report_id"`
	DocNo    string `json:"doc_no"`
	// Name is the unit's or the cadre's; UnitID and UnitCode the unit's.
	Name       string    `json:"name"`
	UnitID     string    `json:"unit_id"`
	UnitCode   string    `json:"unit_code"`
	Team       bool      `json:"team"`
	CycleID    string    `json:"cycle_id"`
	Cycle      string    `json:"cycle"`
	Period     string    `json:"period"`
	ReleasedAt time.Time `json:"released_at"`
}

// ValueNotice is the data of ValueChanged: per item of the webhook, what
// one batch changed within the token's subtree.
type ValueNotice struct {
	BatchID string     `json:"batch_id"`
	Items   []ItemNews `json:"items"`
}

// ItemNews is what a batch changed of one item.
type ItemNews struct {
	Item    string   `json:"item"`
	Name    string   `json:"name"`
	Measure string   `json:"measure"`
	Periods []string `json:"periods"`
	// Units is the number of units whose value changed.
	Units int `json:"units"`
	// Values are the sharing API's paths of the values, one per period.
	Values []string `json:"values"`
}
