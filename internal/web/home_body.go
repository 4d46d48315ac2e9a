package web

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/finding"
)

// homeBodyData is a supervisory body's section of the home page: the
// findings other bodies transferred to it (线索移送), counted by where
// they stand, each count leading to the list filtered so.
type homeBodyData struct {
	Awaiting, Received, Handled, Returned int
}

// homeBody returns the home section of an actor who records findings as
// a body, nil for any other.
func (h *Handler) homeBody(ctx context.Context, a *auth.Actor) (*homeBodyData, error) {
	if h.policy.Scope(a, auth.ActFindingWrite).Empty() {
		return nil, nil
	}
	n, err := h.finding.Awaiting(ctx, a)
	if err != nil {
		return nil, err
	}
	return &homeBodyData{Awaiting: n[finding.TransferSent], Received: n[finding.TransferReceived], Handled: n[finding.TransferHandled],
		Returned: n[finding.TransferReturned]}, nil
}
