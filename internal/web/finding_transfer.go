package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/finding"
)

// findingTransfersView is the 线索移送 section of a finding's page: its
// transfers to other bodies by names and labels, the form that transfers
// it (for its body) and the forms of each open transfer's next steps
// (for the receiving body). Nil for a cadre the finding names.
type findingTransfersView struct {
	FindingID int64
	Rows      []transferRow
	// Targets are the bodies the actor may transfer the finding to, nil
	// when it may not.
	Targets []option
	Today   string
	// Errors are the problems of a refused transfer form.
	Errors []string
}

// transferRow is a transfer by names and labels; Receive, Handle and
// Return say which step forms the actor sees.
type transferRow struct {
	ID                                 int64
	From, To, Sent, Reason, Sender     string
	Status, StatusCode                 string
	Received, Receiver, ReceivedBy     string
	Handled, Outcome, HandledBy        string
	Returned, ReturnReason, ReturnedBy string
	Receive, Handle, Return            bool
}

// findingTransfers builds the section of detail d, with the problems of a
// refused transfer form when given.
func findingTransfers(p *page, d *finding.Detail, refused *findingRefusal) *findingTransfersView {
	if d.Named {
		return nil
	}
	v := &findingTransfersView{FindingID: d.ID, Today: todayText()}
	for _, b := range d.Targets {
		v.Targets = append(v.Targets, option{Value: strconv.FormatInt(b.ID, 10), Label: b.Name})
	}
	for _, t := range d.Transfers {
		row := transferRow{ID: t.ID, From: t.FromBody, To: t.ToBody, Sent: dayText(p.loc, t.SentOn), Reason: t.Reason, Sender: t.Sender,
			Status: p.loc.T("finding.transfer.status." + string(t.Status)), StatusCode: string(t.Status), Receiver: t.Receiver,
			ReceivedBy: t.ReceivedBy, Outcome: t.Outcome, HandledBy: t.HandledBy, ReturnReason: t.ReturnReason, ReturnedBy: t.ReturnedBy}
		if t.ReceivedOn != "" {
			row.Received = dayText(p.loc, t.ReceivedOn)
		}
		if t.HandledOn != "" {
			row.Handled = dayText(p.loc, t.HandledOn)
		}
		if t.ReturnedOn != "" {
			row.Returned = dayText(p.loc, t.ReturnedOn)
		}
		row.Receive = t.Act && t.Status == finding.TransferSent
		row.Handle = t.Act && t.Status == finding.TransferReceived
		row.Return = t.Act
		v.Rows = append(v.Rows, row)
	}
	if refused != nil && refused.of == "transfer" {
		v.Errors = refused.errors
	}
	return v
}

// findingTransfer transfers finding id to another body (线索移送).
func (h *Handler) findingTransfer(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	to, _ := strconv.ParseInt(r.PostFormValue("to_body_id"), 10, 64)
	sd := finding.Sending{ToBodyID: to, SentOn: r.PostFormValue("sent_on"), Reason: r.PostFormValue("reason")}
	if _, err := h.finding.Transfer(r.Context(), a, id, sd); err != nil {
		h.refuseFinding(w, r, a, err, &findingRefusal{of: "transfer"})
		return
	}
	http.Redirect(w, r, findingPath(id)+"?flash=finding_transferred#transfers", http.StatusSeeOther)
}

// findingTransferStep takes a step of a transfer of finding {id} as the
// receiving body: receive (签收), handle (办结) or return (退回).
func (h *Handler) findingTransferStep(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if _, err := pathID(r); err != nil {
		h.fail(w, r, err)
		return
	}
	tid, err := strconv.ParseInt(r.PathValue("transfer"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	f := r.PostFormValue
	var t *finding.Transfer
	switch r.PathValue("step") {
	case "receive":
		t, err = h.finding.Receive(r.Context(), a, tid, finding.Receipt{Day: f("day"), Receiver: f("receiver"), Note: f("note")})
	case "handle":
		t, err = h.finding.Handle(r.Context(), a, tid, finding.Handling{Day: f("day"), Outcome: f("outcome")})
	case "return":
		t, err = h.finding.Return(r.Context(), a, tid, finding.Returning{Day: f("day"), Reason: f("reason")})
	default:
		err = notFound()
	}
	if err != nil {
		h.refuseFinding(w, r, a, err, &findingRefusal{of: "transfer"})
		return
	}
	// The page of the finding the transfer is of, whatever the path said.
	http.Redirect(w, r, findingPath(t.FindingID)+"?flash=finding_transfer_step#transfers", http.StatusSeeOther)
}
