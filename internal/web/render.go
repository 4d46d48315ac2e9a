package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/locale"
	"kaohe/internal/session"
)

// page is what every page template receives.
type page struct {
	// Title is the localized heading and window title.
	Title string
	// Nav names the active entry of the left navigation.
	Nav   string
	Lang  string
	Path  string
	Actor *auth.Actor
	// Menu says which navigation entries the actor's grants open.
	Menu menu
	// Cycles fill the top bar's cycle selector: the cycles the actor may
	// open, newest first, the one being viewed marked.
	Cycles []cycleOption
	// Crumbs is the jurisdiction breadcrumb after the root entry.
	Crumbs []crumb
	Flash  string
	Error  string
	// Data is the page's own content.
	Data any
	// loc formats values in handlers that build Data.
	loc *locale.Localizer
}

type menu struct {
	Users, Audit, Evaluations, Schemes bool
	// Collect opens data submission, CollectStatus the collection status,
	// Items the office's data item pages.
	Collect, CollectStatus, Items bool
	// Cycles opens the assessment cycles.
	Cycles bool
	// Field opens the assessment team's field work.
	Field bool
	// Findings opens the supervision findings, for who records or reads
	// them.
	Findings bool
	// Sanctions opens the sanctions and follow-ups, for the office.
	Sanctions bool
	// Analysis opens the weak-link analysis, for who reads the results
	// of a whole subtree's units.
	Analysis bool
	// Outcome opens the use of results, for the office and leaders;
	// Handovers the handovers, for them and for cadres (their own).
	Outcome, Handovers bool
	// Commitments opens the 亮晒 board, Monitors the monitoring of key
	// indicators, Ledger the work ledger, SelfAssess the cadre's own
	// 述职/自评.
	Commitments, Monitors, Ledger, SelfAssess bool
	// Review opens 政务服务"好差评" and its work orders; ReviewHeld the
	// office's queue of held reviews and appeals.
	Review, ReviewHeld bool
	// Feedback opens the feedback reports and tasks, for the office, the
	// 考核组 and the assessed.
	Feedback bool
}

type crumb struct{ Name, URL string }

// cycleOption is one entry of the cycle selector.
type cycleOption struct {
	ID       int64
	Name     string
	Selected bool
}

// maxCycleOptions bounds the selector; the cycles page lists them all.
const maxCycleOptions = 30

// cycleOptions lists the cycles the actor may open for the top bar,
// marking the one whose pages are being viewed (/cycles/{id}/…).
func (h *Handler) cycleOptions(r *http.Request, a *auth.Actor) []cycleOption {
	cs, err := h.cycle.Cycles(r.Context(), a, cycle.Filter{})
	if err != nil {
		h.log.WarnContext(r.Context(), "cycle selector", "err", err)
		return nil
	}
	current := ""
	if rest, ok := strings.CutPrefix(r.URL.Path, "/cycles/"); ok {
		current, _, _ = strings.Cut(rest, "/")
	}
	var out []cycleOption
	for _, c := range cs[:min(len(cs), maxCycleOptions)] {
		out = append(out, cycleOption{ID: c.ID, Name: c.Name, Selected: strconv.FormatInt(c.ID, 10) == current})
	}
	return out
}

// newPage starts the page data for the request.
func (h *Handler) newPage(r *http.Request, nav string) *page {
	loc := h.localizer(r)
	p := &page{Nav: nav, Lang: loc.Lang, Path: r.URL.RequestURI(), loc: loc}
	if a := session.Actor(r.Context()); a != nil {
		p.Actor = a
		p.Menu = menu{
			Users: !h.policy.Scope(a, auth.ActUserManage).Empty(),
			Audit: !h.policy.Scope(a, auth.ActAuditRead).Empty(),
			// Schemes opens the scheme pages: schemes, library, streamlining.
			Schemes:       !h.policy.Scope(a, auth.ActSchemeRead).Empty(),
			Collect:       !h.policy.Scope(a, auth.ActValueSubmit).Empty(),
			CollectStatus: !h.policy.Scope(a, auth.ActCollectStatus).Empty(),
			Items:         !h.policy.Scope(a, auth.ActItemWrite).Empty(),
			Cycles: !h.policy.Scope(a, auth.ActCycleRead).Empty() || !h.policy.Scope(a, auth.ActResultRead).Empty() ||
				!h.policy.Scope(a, auth.ActTeamResultRead).Empty(),
			Evaluations: !h.policy.Scope(a, auth.ActEvalManage).Empty() ||
				!h.policy.Scope(a, auth.ActEvalResults).Empty(),
			Field:       !h.policy.Scope(a, auth.ActFieldRead).Empty(),
			Findings:    !h.policy.Scope(a, auth.ActFindingRead).Empty() || !h.policy.Scope(a, auth.ActFindingWrite).Empty(),
			Sanctions:   !h.policy.Scope(a, auth.ActSanctionWrite).Empty(),
			Commitments: !h.policy.Scope(a, auth.ActCommitmentRead).Empty() || a.PersonID != 0,
			Monitors:    !h.policy.Scope(a, auth.ActMonitorRead).Empty(),
			Ledger:      !h.policy.Scope(a, auth.ActLedgerRead).Empty(),
			SelfAssess:  a.PersonID != 0 && h.policy.Scope(a, auth.ActSelfAssess).Self,
			Review:      !h.policy.Scope(a, auth.ActServiceRead).Empty(),
			ReviewHeld:  !h.policy.Scope(a, auth.ActServiceDecide).Empty(),
			Feedback: !h.policy.Scope(a, auth.ActFeedbackRead).Empty() || !h.policy.Scope(a, auth.ActTeamFeedbackRead).Empty() ||
				!h.policy.Scope(a, auth.ActFeedbackDraft).Empty(),
		}
		sc := h.policy.Scope(a, auth.ActTeamResultRead)
		p.Menu.Analysis = sc.All || len(sc.Subtrees) > 0
		p.Menu.Outcome = outcomeMenu(h.policy, a)
		p.Menu.Handovers = p.Menu.Outcome || a.PersonID != 0
		if p.Menu.Cycles {
			p.Cycles = h.cycleOptions(r, a)
		}
	}
	if f := r.URL.Query().Get("flash"); f != "" {
		key := "flash." + f
		if h.loc.Has(key) {
			p.Flash = loc.T(key)
		}
	}
	return p
}

// render writes a full page with the layout.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	h.write(w, r, status, name, "layout", p)
}

// renderBare writes a page without navigation (sign-in).
func (h *Handler) renderBare(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	h.write(w, r, status, name, "bare", p)
}

// renderPartial writes one fragment of a page, for htmx.
func (h *Handler) renderPartial(w http.ResponseWriter, r *http.Request, pageName, partial string, p *page) {
	h.write(w, r, http.StatusOK, pageName, partial, p)
}

func (h *Handler) write(w http.ResponseWriter, r *http.Request, status int, pageName, tmpl string, p *page) {
	if p.Title == "" {
		if b, err := h.views.execute(p.Lang, pageName, "title", p); err == nil {
			p.Title = string(b)
		}
	}
	body, err := h.views.execute(p.Lang, pageName, tmpl, p)
	if err != nil {
		h.log.ErrorContext(r.Context(), "render", "page", pageName, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// writeAttachment sends a stored file for download, as the type
// recognised when it was uploaded, under its own name.
func writeAttachment(w http.ResponseWriter, ctype, name string, data []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename=\"evidence\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// errorData is the content of the error page.
type errorData struct {
	Status  int
	Message string
}

// renderError writes the error page for status with msg, or the generic
// message of the status when msg is "".
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := h.newPage(r, "")
	if msg == "" {
		msg = p.loc.T(statusKey(status))
	}
	p.Title = p.loc.T("error.title")
	p.Data = errorData{Status: status, Message: msg}
	if p.Actor == nil {
		h.renderBare(w, r, status, "error", p)
		return
	}
	h.render(w, r, status, "error", p)
}

func statusKey(status int) string {
	switch status {
	case http.StatusNotFound:
		return "error.not_found"
	case http.StatusForbidden:
		return "error.forbidden"
	case http.StatusUnauthorized:
		return "error.unauthorized"
	case http.StatusConflict:
		return "error.conflict"
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "error.invalid"
	case http.StatusMethodNotAllowed:
		return "error.method"
	case http.StatusTooManyRequests:
		return "error.throttled"
	default:
		return "error.internal"
	}
}
