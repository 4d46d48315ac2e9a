package api

import (
	"strconv"
	"time"

	"kaohe/internal/finding"
)

// Finding is a supervision finding (发现问题 / 问题线索).
type Finding struct {
	ID string `json:"id"`
	// BodyID and Body are the supervisory body that recorded it.
	BodyID string `json:"body_id"`
	Body   string `json:"body"`
	// Source, Category and Severity are codes: docs/api.md lists them.
	Source    string `json:"source"`
	Category  string `json:"category"`
	Severity  string `json:"severity"`
	FoundOn   string `json:"found_on"`
	Reference string `json:"reference"`
	Title     string `json:"title"`
	// Description is the finding in full; only on a single finding.
	Description string `json:"description,omitempty"`
	UnitID      string `json:"unit_id"`
	UnitCode    string `json:"unit_code"`
	Unit        string `json:"unit"`
	// Status is active, exempted or voided.
	Status string `json:"status"`
	// NotifiedOn is "" until the finding is notified to those it names.
	NotifiedOn string        `json:"notified_on"`
	People     []NamedCadre  `json:"people"`
	Created    time.Time     `json:"created_at"`
	Updated    time.Time     `json:"updated_at"`
	Files      []EvidenceRef `json:"files,omitempty"`
	// History is the finding's audit trail, newest first; only on a single
	// finding, and not for a cadre who reads it because it names her.
	History []FindingChange `json:"history,omitempty"`
	// TransferStatus is the status of the latest transfer to another body
	// (sent, received, handled, returned), "" for none; TransferTo that
	// body's name.
	TransferStatus string `json:"transfer_status"`
	TransferTo     string `json:"transfer_to,omitempty"`
	// Transfers are the finding's transfers (线索移送), the earliest first;
	// only on a single finding, and not for a cadre it names.
	Transfers []FindingTransfer `json:"transfers,omitempty"`
}

// FindingTransfer is the transfer of a finding to another body, with
// its receipt, status and outcome; a step's fields are "" until taken.
type FindingTransfer struct {
	ID           string `json:"id"`
	FromBodyID   string `json:"from_body_id"`
	FromBody     string `json:"from_body"`
	ToBodyID     string `json:"to_body_id"`
	ToBody       string `json:"to_body"`
	Status       string `json:"status"`
	SentOn       string `json:"sent_on"`
	Reason       string `json:"reason"`
	Sender       string `json:"sender"`
	ReceivedOn   string `json:"received_on"`
	Receiver     string `json:"receiver"`
	HandledOn    string `json:"handled_on"`
	Outcome      string `json:"outcome"`
	ReturnedOn   string `json:"returned_on"`
	ReturnReason string `json:"return_reason"`
}

// TransferIn is the body of POST /findings/{id}/transfers.
type TransferIn struct {
	ToBodyID string `json:"to_body_id"`
	SentOn   string `json:"sent_on"`
	Reason   string `json:"reason"`
}

func toTransfer(t *finding.Transfer) FindingTransfer {
	return FindingTransfer{ID: strconv.FormatInt(t.ID, 10), FromBodyID: strconv.FormatInt(t.FromBodyID, 10), FromBody: t.FromBody,
		ToBodyID: strconv.FormatInt(t.ToBodyID, 10), ToBody: t.ToBody, Status: string(t.Status), SentOn: t.SentOn, Reason: t.Reason,
		Sender: t.Sender, ReceivedOn: t.ReceivedOn, Receiver: t.Receiver, HandledOn: t.HandledOn, Outcome: t.Outcome,
		ReturnedOn: t.ReturnedOn, ReturnReason: t.ReturnReason}
}

// NamedCadre is a cadre a finding names.
type NamedCadre struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Unit is the name of the unit the cadre is placed in.
	Unit string `json:"unit"`
}

// EvidenceRef describes an evidence file; the pages serve it at the path
// given (/findings/{id}/evidence/{file}).
type EvidenceRef struct {
	EvidenceFile
	Path string `json:"path"`
}

// FindingChange is an entry of a finding's history.
type FindingChange struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Reason string    `json:"reason,omitempty"`
	// Fields are the fields an update changed.
	Fields []string `json:"fields,omitempty"`
}

// FindingList is a page of findings.
type FindingList struct {
	Findings []Finding `json:"findings"`
	// Total counts every finding the filter selects, Notified those
	// notified, BySeverity them per severity.
	Total      int            `json:"total"`
	Notified   int            `json:"notified"`
	BySeverity map[string]int `json:"by_severity"`
}

// FindingIn is the body of POST /findings.
type FindingIn struct {
	// BodyID is the body recording it; "" takes your one body.
	BodyID      string   `json:"body_id,omitempty"`
	Source      string   `json:"source"`
	Category    string   `json:"category"`
	Severity    string   `json:"severity"`
	FoundOn     string   `json:"found_on"`
	Reference   string   `json:"reference,omitempty"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	UnitID      string   `json:"unit_id"`
	People      []string `json:"people,omitempty"`
	Files       []FileIn `json:"files,omitempty"`
}

func toFinding(f *finding.Finding) Finding {
	out := Finding{ID: strconv.FormatInt(f.ID, 10), BodyID: strconv.FormatInt(f.BodyID, 10), Body: f.Body, Source: string(f.Source),
		Category: string(f.Category), Severity: string(f.Severity), FoundOn: f.FoundOn, Reference: f.Reference, Title: f.Title,
		UnitID: strconv.FormatInt(f.UnitID, 10), UnitCode: f.UnitCode, Unit: f.Unit, Status: string(f.Status), NotifiedOn: f.NotifiedOn,
		People: []NamedCadre{}, Created: f.CreatedAt, Updated: f.UpdatedAt, TransferStatus: string(f.TransferStatus), TransferTo: f.TransferTo}
	for _, n := range f.People {
		out.People = append(out.People, NamedCadre{ID: strconv.FormatInt(n.ID, 10), Name: n.Name, Unit: n.Unit})
	}
	return out
}

func toFindingDetail(d *finding.Detail) Finding {
	out := toFinding(&d.Finding)
	out.Description = d.Description
	out.Files = []EvidenceRef{}
	for _, f := range d.Files {
		id := strconv.FormatInt(f.ID, 10)
		out.Files = append(out.Files, EvidenceRef{EvidenceFile: EvidenceFile{ID: id, Name: f.Name, Type: f.ContentType, Size: f.Size,
			SHA256: f.SHA256}, Path: "/findings/" + strconv.FormatInt(f.FindingID, 10) + "/evidence/" + id})
	}
	for _, c := range d.History {
		actor := c.ActorName
		if actor == "" {
			actor = c.Actor
		}
		out.History = append(out.History, FindingChange{At: c.At, Actor: actor, Action: c.Action, Reason: c.Reason, Fields: c.Fields})
	}
	for _, t := range d.Transfers {
		out.Transfers = append(out.Transfers, toTransfer(t))
	}
	return out
}
