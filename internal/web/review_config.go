package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// reviewConfigData is the office's page of a jurisdiction's review scheme
// (points per level, window, 邀评 and default level, contacts) and the
// holiday calendar the work-order deadlines count in.
type reviewConfigData struct {
	UnitID                      int64
	Unit                        string
	Levels                      []reviewLevelPoints
	Window, Invite, DefaultDays int
	DefaultLevel                string
	KeepContact                 bool
	Holidays                    []reviewHoliday
	// Calendar is true for who may keep the calendar (an office of a top
	// unit).
	Calendar bool
	Errors   []string
}

type reviewLevelPoints struct {
	Code, Label, Points string
}

type reviewHoliday struct {
	Day, Name string
	Workday   bool
}

// reviewConfig shows the page.
func (h *Handler) reviewConfig(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderReviewConfig(w, r, a, http.StatusOK, nil)
}

func (h *Handler) renderReviewConfig(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, problems []string) {
	id, err := h.serviceUnit(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	u, err := h.org.Unit(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.policy.Authorize(a, auth.ActServiceDecide, u.Path); err != nil {
		h.fail(w, r, err)
		return
	}
	cfg, err := h.review.ConfigOf(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	days, err := h.review.Holidays(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review")
	d := reviewConfigData{UnitID: id, Unit: u.Name, Window: cfg.WindowDays, Invite: cfg.InviteDays, DefaultDays: cfg.DefaultDays,
		DefaultLevel: string(cfg.DefaultLevel), KeepContact: cfg.KeepContact, Calendar: h.review.KeepsCalendar(a), Errors: problems}
	for _, lv := range review.Levels {
		d.Levels = append(d.Levels, reviewLevelPoints{Code: string(lv), Label: p.loc.T("review.level." + string(lv)),
			Points: strconv.FormatFloat(cfg.Points[lv], 'f', -1, 64)})
	}
	for _, hd := range days {
		d.Holidays = append(d.Holidays, reviewHoliday{Day: dayText(p.loc, hd.Day), Name: hd.Name, Workday: hd.Workday})
	}
	p.Data = d
	h.write(w, r, status, "review_config", "layout", p)
}

// reviewConfigSave sets the jurisdiction's review scheme.
func (h *Handler) reviewConfigSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	id, err := strconv.ParseInt(r.PostForm.Get("unit"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	cfg := review.Config{Points: map[review.Level]float64{}, KeepContact: r.PostForm.Get("keep_contact") == "1",
		DefaultLevel: review.Level(r.PostForm.Get("default_level"))}
	var bad errs.List
	num := func(field string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(field)))
		if err != nil {
			bad.Add(errs.Field(field, "review.config.number_invalid", "a whole number is needed"))
		}
		return n
	}
	cfg.WindowDays, cfg.InviteDays, cfg.DefaultDays = num("window_days"), num("invite_days"), num("default_days")
	for _, lv := range review.Levels {
		v, err := strconv.ParseFloat(strings.TrimSpace(r.PostForm.Get("points."+string(lv))), 64)
		if err != nil {
			v = -1 // the service names the level
		}
		cfg.Points[lv] = v
	}
	if len(bad) == 0 {
		err = h.review.SetConfig(r.Context(), a, id, cfg)
	} else {
		err = bad
	}
	if err != nil {
		if errs.Is(err, errs.Invalid) {
			r.URL.RawQuery = url.Values{"unit": {strconv.FormatInt(id, 10)}}.Encode()
			h.renderReviewConfig(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err))
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/config?"+url.Values{"unit": {strconv.FormatInt(id, 10)}, "flash": {"review_config_saved"}}.Encode(), http.StatusSeeOther)
}

// reviewHolidaysSave replaces the calendar's days of a range by the days
// listed, one a line: "2026-10-01 国庆节", "2026-10-11 调休上班 workday".
func (h *Handler) reviewHolidaysSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	var days []review.Holiday
	for _, line := range strings.Split(r.PostForm.Get("days"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		hd := review.Holiday{Day: f[0]}
		if len(f) > 1 {
			hd.Name = strings.Join(f[1:], " ")
		}
		if r.PostForm.Get("workday") == "1" {
			hd.Workday = true
		}
		days = append(days, hd)
	}
	unit := r.PostForm.Get("unit")
	if err := h.review.SetHolidays(r.Context(), a, r.PostForm.Get("from"), r.PostForm.Get("to"), days); err != nil {
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Forbidden) {
			r.URL.RawQuery = url.Values{"unit": {unit}}.Encode()
			h.renderReviewConfig(w, r, a, errs.HTTPStatus(err), rowErrors(h.localizer(r), err))
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/config?"+url.Values{"unit": {unit}, "flash": {"review_holidays_saved"}}.Encode(), http.StatusSeeOther)
}

// reviewDefaults gives unreviewed cases of the jurisdiction the default
// level, where one is configured.
func (h *Handler) reviewDefaults(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	id, err := strconv.ParseInt(r.PostForm.Get("unit"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if _, err := h.review.ApplyDefaults(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review?"+url.Values{"unit": {strconv.FormatInt(id, 10)}, "flash": {"review_defaults"}}.Encode(), http.StatusSeeOther)
}
