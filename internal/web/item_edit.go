package web

import (
	"errors"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
)

// itemEditData is the content of the data item form: the item's fields as
// typed, the error of each field, and for an existing item its deadlines.
type itemEditData struct {
	// New is true for a new item: its code may be chosen.
	New  bool
	Form itemForm
	// Errors maps a field to its message; General holds the others.
	Errors  map[string]string
	General []string
	Owners  []*collect.Owner
	// Options of the selects.
	Frequencies, Types, EntityKinds, UnitKinds, UnitLevels []option
	// Deadlines of an existing item, newest period first, and the
	// deadline form as typed with its errors.
	Deadlines      []collect.Deadline
	Deadline       collect.Deadline
	DeadlineErrors map[string]string
}

// itemForm is an item's fields as the form sends them.
type itemForm struct {
	Code, Name, Measure, Owner, Frequency, Type, Min, Max, Description string
	EntityKind, UnitKind, UnitLevel                                    string
	Required                                                           bool
}

// formOf fills the form with a stored item.
func formOf(it *collect.Item) itemForm {
	f := itemForm{Code: it.Code, Name: it.Name, Measure: it.Measure, Owner: strconv.FormatInt(it.OwnerID, 10),
		Frequency: string(it.Frequency), Type: string(it.Type), Description: it.Description,
		EntityKind: string(it.EntityKind), UnitKind: string(it.UnitKind), UnitLevel: string(it.UnitLevel), Required: it.Required}
	if it.Min != nil {
		f.Min = bound(it.Min)
	}
	if it.Max != nil {
		f.Max = bound(it.Max)
	}
	return f
}

// itemNew shows the form for a new data item.
func (h *Handler) itemNew(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	form := itemForm{Frequency: string(collect.Annual), Type: string(collect.TypeNumber), EntityKind: string(collect.EntityUnit)}
	h.renderItemForm(w, r, a, http.StatusOK, &itemEditData{New: true, Form: form})
}

// itemEdit shows the form of an existing data item with its deadlines.
func (h *Handler) itemEdit(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	mi, err := h.collect.ManagedItem(r.Context(), a, r.PathValue("code"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderItemForm(w, r, a, http.StatusOK, &itemEditData{Form: formOf(mi.Item), Deadlines: mi.Deadlines})
}

// renderItemForm renders the item form with data, adding the owners the
// actor may choose and the options of the selects.
func (h *Handler) renderItemForm(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, data *itemEditData) {
	owners, err := h.collect.ItemOwners(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "items")
	data.Owners = owners
	data.Frequencies = frequencyOptions(p)
	for _, t := range collect.ValueTypes {
		data.Types = append(data.Types, option{Value: string(t), Label: p.loc.T("items.type." + string(t))})
	}
	for _, k := range []string{string(collect.EntityUnit), string(collect.EntityPerson)} {
		data.EntityKinds = append(data.EntityKinds, option{Value: k, Label: p.loc.T("items.entity." + k)})
	}
	data.UnitKinds = []option{{Value: "", Label: p.loc.T("items.any")}}
	for _, k := range []string{"region", "department"} {
		data.UnitKinds = append(data.UnitKinds, option{Value: k, Label: p.loc.T("unit.kind." + k)})
	}
	data.UnitLevels = []option{{Value: "", Label: p.loc.T("items.any")}}
	for _, l := range []string{"province", "city", "county", "township"} {
		data.UnitLevels = append(data.UnitLevels, option{Value: l, Label: p.loc.T("unit.level." + l)})
	}
	if data.New {
		p.Title = p.loc.T("items.new")
	} else {
		p.Title = p.loc.T("items.edit", "Name", data.Form.Name)
	}
	p.Data = data
	h.render(w, r, status, "item_edit", p)
}

// fieldErrors sorts the errors of err by field: the message of each
// field's first error, and the messages of errors without a field (or of
// a field not in fields).
func (h *Handler) fieldErrors(p *page, err error, fields ...string) (map[string]string, []string) {
	byField := map[string]string{}
	var general []string
	var list errs.List
	var one *errs.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = errs.List{one}
	default:
		return byField, []string{p.loc.Error(err)}
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f] = true
	}
	for _, e := range list {
		if !known[e.Field] {
			general = append(general, p.loc.Error(e))
			continue
		}
		if _, ok := byField[e.Field]; !ok {
			msg := p.loc.TMap(e.Key, e.Args)
			if !h.loc.Has(e.Key) {
				msg = p.loc.Error(e)
			}
			byField[e.Field] = msg
		}
	}
	return byField, general
}
