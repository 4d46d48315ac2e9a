package review

import (
	"time"
)

// Review is a review of a case.
type Review struct {
	ID, CaseID, UnitID, ItemID int64
	// Period is the year of the case's day finished, which dates the review
	// into the metrics.
	Period   string
	Channel  Channel
	Kind     Kind
	Level    Level
	Points   float64
	Subitems map[string]Level
	Comment  string
	// Default is true for a level the configured default gave an
	// unreviewed case: no person gave it.
	Default bool
	// Named is true when the reviewer left a contact (实名).
	Named bool
	// Contact is the contact in clear when the organisers keep contacts.
	Contact    string
	Status     Status
	Flags      []Flag
	ReviewedAt time.Time
	// Loaded for lists: the case number, the item's name, the unit's name.
	Number, Item, Unit string
}

// Flag is a fraud check's finding on a review, with what explains it.
type Flag struct {
	// Code is burst, window, staff or run.
	Code string `json:"code"`
	// Args explain it: counts, minutes, days.
	Args map[string]any `json:"args,omitempty"`
}

// The flag codes.
const (
	// FlagBurst: many reviews from one device or address in a short time.
	FlagBurst = "burst"
	// FlagWindow: the review came outside its case's time window.
	FlagWindow = "window"
	// FlagStaff: staff of the case's unit reviewed its case.
	FlagStaff = "staff"
	// FlagRun: an improbable run of identical levels on one service item.
	FlagRun = "run"
	// FlagProbing: the device asked for cases that do not exist.
	FlagProbing = "probing"
)
