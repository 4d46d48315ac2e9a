package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/hook"
)

// tokenWebhooksData is the webhooks page of one sharing token.
type tokenWebhooksData struct {
	Token    *auth.APIToken
	Webhooks []hook.Webhook
	// Events and Items are the form's choices; ItemNames names the
	// token's items.
	Events    []hook.Event
	ItemNames map[string]string
	Form      webhookForm
	Errors    map[string]string
	General   []string
	// Created and Secret are the webhook just made and its signing
	// secret, shown this once.
	Created *hook.Webhook
	Secret  string
}

// webhookForm is the form as entered.
type webhookForm struct {
	URL    string
	Events map[hook.Event]bool
	Items  map[string]bool
}

// tokenWebhooks lists a sharing token's webhooks with the form to add one.
func (h *Handler) tokenWebhooks(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderWebhooks(w, r, a, http.StatusOK, &tokenWebhooksData{Form: webhookForm{Events: map[hook.Event]bool{}}})
}

// tokenWebhookCreate adds a webhook and shows its secret this once.
func (h *Handler) tokenWebhookCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errs.Field("url", "hook.url_invalid", "bad form"))
		return
	}
	form := webhookForm{URL: strings.TrimSpace(r.PostFormValue("url")), Events: map[hook.Event]bool{}, Items: map[string]bool{}}
	d := hook.Draft{URL: form.URL}
	for _, e := range r.PostForm["event"] {
		d.Events = append(d.Events, hook.Event(e))
		form.Events[hook.Event(e)] = true
	}
	for _, it := range r.PostForm["item"] {
		d.Items = append(d.Items, it)
		form.Items[it] = true
	}
	wh, secret, err := h.hooks.Create(r.Context(), a, id, d)
	if err == nil {
		h.renderWebhooks(w, r, a, http.StatusOK, &tokenWebhooksData{Created: wh, Secret: secret, Form: webhookForm{Events: map[hook.Event]bool{}}})
		return
	}
	if !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.Conflict) {
		h.fail(w, r, err)
		return
	}
	data := &tokenWebhooksData{Form: form}
	data.Errors, data.General = h.fieldErrors(h.newPage(r, "tokens"), err, "url", "events", "items")
	h.renderWebhooks(w, r, a, errs.HTTPStatus(err), data)
}

// renderWebhooks fills and writes the webhooks page of the token in the
// path.
func (h *Handler) renderWebhooks(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, data *tokenWebhooksData) {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if data.Token, data.Webhooks, err = h.hooks.Webhooks(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if data.ItemNames, err = h.shareItemNames(r, a, []auth.APIToken{*data.Token}); err != nil {
		h.fail(w, r, err)
		return
	}
	data.Events = hook.Events
	p := h.newPage(r, "tokens")
	p.Title = p.loc.T("webhooks.title", "System", data.Token.Share.System)
	p.Data = data
	h.render(w, r, status, "token_webhooks", p)
}

// webhookDelete removes a webhook and its delivery log.
func (h *Handler) webhookDelete(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	wh, err := h.hooks.Delete(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/tokens/"+strconv.FormatInt(wh.TokenID, 10)+"/webhooks?flash=webhook_deleted", http.StatusSeeOther)
}
