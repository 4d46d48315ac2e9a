package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// itemFields are the fields of the item form that show their own errors.
var itemFields = []string{"code", "name", "measure", "owner_id", "frequency", "type", "min", "max",
	"description", "entity_kind", "unit_kind", "unit_level"}

// itemCreate adds a data item from the form (POST /items).
func (h *Handler) itemCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.itemSave(w, r, a, true)
}

// itemUpdate changes a data item from the form (POST /items/{code}); the
// code stays.
func (h *Handler) itemUpdate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.itemSave(w, r, a, false)
}

// itemSave checks every field of the form, shows each error next to its
// field, and otherwise creates or updates the item and goes to the list.
func (h *Handler) itemSave(w http.ResponseWriter, r *http.Request, a *auth.Actor, create bool) {
	form := readItemForm(r)
	if !create {
		// The item must exist and be the actor's to edit before the form
		// is even checked.
		if _, err := h.collect.ManagedItem(r.Context(), a, r.PathValue("code")); err != nil {
			h.fail(w, r, err)
			return
		}
		form.Code = r.PathValue("code")
	}
	it, problems := parseItemForm(form)
	problems = append(problems, it.Problems()...)
	var err error = problems.Err()
	if err == nil {
		if create {
			_, err = h.collect.CreateItem(r.Context(), a, it)
		} else {
			_, err = h.collect.UpdateItem(r.Context(), a, it)
		}
	}
	if err != nil {
		switch errs.CodeOf(err) {
		case errs.Invalid, errs.Conflict:
		default:
			h.fail(w, r, err)
			return
		}
		p := h.newPage(r, "items")
		data := &itemEditData{New: create, Form: form}
		data.Errors, data.General = h.fieldErrors(p, err, itemFields...)
		h.renderItemForm(w, r, a, errs.HTTPStatus(err), data)
		return
	}
	q := url.Values{"flash": {"item_saved"}}
	http.Redirect(w, r, "/items?"+q.Encode(), http.StatusSeeOther)
}

// readItemForm reads the posted item form.
func readItemForm(r *http.Request) itemForm {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return itemForm{Code: f("code"), Name: f("name"), Measure: f("measure"), Owner: f("owner_id"),
		Frequency: f("frequency"), Type: f("type"), Min: f("min"), Max: f("max"), Description: f("description"),
		EntityKind: f("entity_kind"), UnitKind: f("unit_kind"), UnitLevel: f("unit_level"), Required: f("required") != ""}
}

// parseItemForm converts the form to an item; the problems are the fields
// that are not numbers where numbers are wanted.
func parseItemForm(f itemForm) (collect.Item, errs.List) {
	it := collect.Item{Code: f.Code, Name: f.Name, Measure: f.Measure, Frequency: collect.Frequency(f.Frequency),
		Type: collect.ValueType(f.Type), Required: f.Required, Description: f.Description,
		EntityKind: collect.EntityKind(f.EntityKind), UnitKind: org.Kind(f.UnitKind), UnitLevel: org.Level(f.UnitLevel)}
	var l errs.List
	if f.Owner != "" {
		id, err := strconv.ParseInt(f.Owner, 10, 64)
		if err != nil {
			l.Add(errs.Field("owner_id", "collect.item.owner_unknown", "no such owning department"))
		}
		it.OwnerID = id
	}
	for _, b := range []struct {
		field, raw string
		dst        **float64
	}{{"min", f.Min, &it.Min}, {"max", f.Max, &it.Max}} {
		if b.raw == "" {
			continue
		}
		v, err := strconv.ParseFloat(b.raw, 64)
		if err != nil {
			l.Add(errs.Field(b.field, "items.bound_not_number", "a bound is not a number"))
			continue
		}
		*b.dst = &v
	}
	return it, l
}
