package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// userListData is the content of the users page.
type userListData struct {
	Users []userRow
	Roles []option
	// Form refills the add form after a refusal.
	Form userForm
	// Issued is a password just generated, shown once.
	Issued *issued
}

type userRow struct {
	ID     int64
	Login  string
	Name   string
	Grants []grantRow
	// Disabled marks a stopped account; DisabledReason says why.
	Disabled       bool
	DisabledReason string
	// Locked marks an account locked by failed sign-ins from many
	// addresses, which the office can unlock.
	Locked bool
}

type grantRow struct {
	Role      string
	RoleLabel string
	UnitID    int64
	Unit      string
}

type option struct{ Value, Label string }

type userForm struct{ Login, Name, Unit string }

type issued struct{ Login, Password string }

// userList shows the users the actor may manage, with their grants.
func (h *Handler) userList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderUsers(w, r, a, http.StatusOK, "", userListData{})
}

// renderUsers renders the users page with data's form, message and
// issued password; errMsg is shown as an error.
func (h *Handler) renderUsers(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, errMsg string, data userListData) {
	if err := h.policy.RequireAny(a, auth.ActUserManage); err != nil {
		h.fail(w, r, err)
		return
	}
	users, err := h.auth.ListUsers(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	locked, err := h.auth.LockedLogins(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "users")
	names, err := h.unitNames(r, a, users)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, u := range users {
		row := userRow{ID: u.ID, Login: u.Login, Name: u.Name, Disabled: u.Disabled(), DisabledReason: u.DisabledReason,
			Locked: locked[u.Login]}
		for _, g := range u.Grants {
			row.Grants = append(row.Grants, grantRow{
				Role: string(g.Role), RoleLabel: p.loc.Role(string(g.Role)),
				UnitID: g.UnitID, Unit: names[g.UnitID],
			})
		}
		data.Users = append(data.Users, row)
	}
	data.Roles = roleOptions(p)
	p.Error = errMsg
	p.Data = data
	h.render(w, r, status, "user_list", p)
}

func roleOptions(p *page) []option {
	var out []option
	for _, role := range auth.Roles {
		out = append(out, option{Value: string(role), Label: p.loc.Role(string(role))})
	}
	return out
}

// unitNames names the units of the users' grants: one search over the
// actor's jurisdiction, then single lookups for any unit beyond its first
// page.
func (h *Handler) unitNames(r *http.Request, a *auth.Actor, users []auth.User) (map[int64]string, error) {
	ctx := r.Context()
	us, _, err := h.org.FindUnits(ctx, a, org.UnitFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(us))
	for _, u := range us {
		names[u.ID] = u.Name
	}
	for _, usr := range users {
		for _, g := range usr.Grants {
			if _, ok := names[g.UnitID]; ok {
				continue
			}
			u, err := h.org.Unit(ctx, a, g.UnitID)
			switch {
			case err == nil:
				names[g.UnitID] = u.Name
			case errs.Is(err, errs.NotFound), errs.Is(err, errs.Forbidden):
				names[g.UnitID] = "#" + strconv.FormatInt(g.UnitID, 10)
			default:
				return nil, err
			}
		}
	}
	return names, nil
}

// unitByCode finds the unit with exactly code in the actor's jurisdiction;
// a unit outside it is not found.
func (h *Handler) unitByCode(r *http.Request, a *auth.Actor, code string) (*org.Unit, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		e := errs.New(errs.Invalid, "users.unit_required", "unit code is required")
		e.Field = "unit_code"
		return nil, e
	}
	us, _, err := h.org.FindUnits(r.Context(), a, org.UnitFilter{Query: code, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		if u.Code == code {
			return u, nil
		}
	}
	e := errs.New(errs.Invalid, "auth.unit.unknown", "no such unit in the jurisdiction")
	e.Field, e.Args = "unit_code", map[string]any{"unit": code}
	return nil, e
}
