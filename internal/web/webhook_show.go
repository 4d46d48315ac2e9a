package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/hook"
)

// webhookDeliveriesLimit is how many of a webhook's latest deliveries its
// page lists.
const webhookDeliveriesLimit = 200

// webhookShowData is the delivery log of one webhook.
type webhookShowData struct {
	Token      *auth.APIToken
	Webhook    *hook.Webhook
	Deliveries []hook.Delivery
}

// webhookShow shows a webhook's delivery log: each event, its status, its
// attempts and the receiver's last answer, and the body posted.
func (h *Handler) webhookShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	var data webhookShowData
	if data.Token, data.Webhook, data.Deliveries, err = h.hooks.Deliveries(r.Context(), a, id, webhookDeliveriesLimit); err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "tokens")
	p.Title = p.loc.T("webhooks.log_title", "System", data.Token.Share.System)
	p.Data = data
	h.render(w, r, http.StatusOK, "webhook_show", p)
}

// webhookRedeliver queues a failed delivery again.
func (h *Handler) webhookRedeliver(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	d, derr := strconv.ParseInt(r.PathValue("delivery"), 10, 64)
	if err != nil || derr != nil {
		h.fail(w, r, notFound())
		return
	}
	if err := h.hooks.Redeliver(r.Context(), a, id, d); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/webhooks/"+strconv.FormatInt(id, 10)+"?flash=webhook_redelivered", http.StatusSeeOther)
}
