// Package api serves Kaohe's JSON API under /api/v1. Handlers parse the
// request, call one service method — the service checks the actor's
// permission — and convert the domain result into the API's own types
// (types.go), so the API stays stable while tables change. Every error has
// one shape: {"error":{"code":"…","message":"…"}}, the message in the
// language of Accept-Language (Chinese by default).
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/fieldwork"
	"kaohe/internal/finding"
	"kaohe/internal/locale"
	"kaohe/internal/org"
	"kaohe/internal/outcome"
	"kaohe/internal/review"
	"kaohe/internal/scheme"
	"kaohe/internal/session"
	"kaohe/internal/survey"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Config is what the API needs.
type Config struct {
	Auth   *auth.Service
	Org    *org.Service
	Scheme *scheme.Service
	// Collect takes values from machines (POST /values).
	Collect *collect.Service
	// Cycle serves cycles and their results.
	Cycle *cycle.Service
	// Survey reads democratic evaluations.
	Survey *survey.Service
	// Field records the assessment team's field work.
	Field *fieldwork.Service
	// Finding records and reads supervision findings.
	Finding *finding.Service
	// Outcome proposes and decides the use of results.
	Outcome *outcome.Service
	Locale  *locale.Bundle
	Logger  *slog.Logger
	// Review takes cases (办件) from the government-service system.
	Review *review.Service
}

// Handler serves the API.
type Handler struct {
	auth   *auth.Service
	org    *org.Service
	scheme *scheme.Service
	// collect takes values from machines.
	collect *collect.Service
	cycle   *cycle.Service
	survey  *survey.Service
	field   *fieldwork.Service
	finding *finding.Service
	outcome *outcome.Service
	loc     *locale.Bundle
	log     *slog.Logger
	routes  []string
	review  *review.Service
}

// New returns the API handler.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{auth: cfg.Auth, org: cfg.Org, scheme: cfg.Scheme, collect: cfg.Collect, cycle: cfg.Cycle, survey: cfg.Survey, field: cfg.Field, finding: cfg.Finding, loc: cfg.Locale, log: cfg.Logger,
		outcome: cfg.Outcome,
		review:  cfg.Review}
}

// endpoint is a handler that needs a signed-in actor.
type endpoint func(w http.ResponseWriter, r *http.Request, a *auth.Actor)

// Register adds the API's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	handle := func(pattern string, fn endpoint) {
		h.routes = append(h.routes, pattern)
		mux.HandleFunc(pattern, h.signedIn(h.notShared(fn)))
	}
	handle("GET "+Prefix+"/me", h.me)
	handle("GET "+Prefix+"/units", h.unitList)
	handle("GET "+Prefix+"/units/{id}", h.unitGet)
	handle("GET "+Prefix+"/units/{id}/children", h.unitChildren)
	handle("GET "+Prefix+"/units/{id}/cadres", h.cadreList)
	handle("GET "+Prefix+"/cadres/{id}", h.cadreGet)
	handle("GET "+Prefix+"/users", h.userList)
	handle("POST "+Prefix+"/users/{id}/disable", h.userDisable)
	handle("POST "+Prefix+"/users/{id}/enable", h.userEnable)
	handle("GET "+Prefix+"/users/{id}/tokens", h.userTokens)
	handle("DELETE "+Prefix+"/users/{id}/tokens/{token}", h.userTokenRevoke)
	handle("GET "+Prefix+"/schemes", h.schemeList)
	handle("GET "+Prefix+"/schemes/{id}", h.schemeGet)
	handle("GET "+Prefix+"/schemes/{id}/versions/{n}", h.schemeVersionGet)
	handle("POST "+Prefix+"/schemes/{id}/versions", h.schemeVersionCreate)
	handle("POST "+Prefix+"/schemes/{id}/versions/{n}/weights", h.schemeWeightsSet)
	handle("POST "+Prefix+"/schemes/{id}/versions/{n}/ahp", h.schemeAHPSet)
	handle("POST "+Prefix+"/schemes/{id}/versions/{n}/rules", h.schemeRulesSet)
	handle("GET "+Prefix+"/schemes/{id}/diff", h.schemeDiff)
	handle("GET "+Prefix+"/indicators", h.indicatorList)
	handle("GET "+Prefix+"/streamline", h.streamlineReport)
	handle("POST "+Prefix+"/values", h.valuesSubmit)
	handle("GET "+Prefix+"/evaluations", h.evaluationList)
	handle("GET "+Prefix+"/evaluations/{id}/results", h.evaluationResults)
	handle("GET "+Prefix+"/evaluations/{id}/ratings", h.evaluationRatings)
	handle("GET "+Prefix+"/cycles", h.cycleList)
	handle("GET "+Prefix+"/cycles/{id}/results", h.cycleResults)
	handle("GET "+Prefix+"/cycles/{id}/results/{entity}", h.cycleResult)
	handle("GET "+Prefix+"/cycles/{id}/field", h.fieldTasks)
	handle("GET "+Prefix+"/cycles/{id}/field/{entity}", h.fieldRecord)
	handle("POST "+Prefix+"/cycles/{id}/field/{entity}/verifications", h.fieldVerify)
	handle("POST "+Prefix+"/cycles/{id}/field/{entity}/interviews", h.fieldInterview)
	handle("POST "+Prefix+"/cycles/{id}/field/{entity}/judgements", h.fieldJudge)
	handle("GET "+Prefix+"/findings", h.findingList)
	handle("POST "+Prefix+"/findings", h.findingCreate)
	handle("GET "+Prefix+"/findings/{id}", h.findingGet)
	handle("POST "+Prefix+"/findings/{id}/transfers", h.findingTransfer)
	// The sharing routes, which sharing tokens read (share_endpoints.go).
	share := func(pattern string, fn endpoint) {
		h.routes = append(h.routes, pattern)
		mux.HandleFunc(pattern, h.signedIn(h.shared(fn)))
	}
	share("GET "+Prefix+"/share/cycles", h.shareCycles)
	share("GET "+Prefix+"/share/cycles/{id}/results", h.shareResults)
	share("GET "+Prefix+"/share/items/{code}/values", h.shareValues)
	share("GET "+Prefix+"/openapi.json", h.openAPIDoc)
	handle("GET "+Prefix+"/outcome/proposals", h.proposalList)
	handle("POST "+Prefix+"/outcome/proposals/{id}/decision", h.proposalDecide)
	handle("POST "+Prefix+"/review/units/{id}/cases", h.reviewCasesImport)
	handle("POST "+Prefix+"/review/units/{id}/case", h.reviewCaseAdd)
	// Anything else under the prefix answers the API's error shape: 405
	// with Allow for a route asked with another method, else 404. (The
	// catch-all matches every method, so the mux's own 405 never comes.)
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		if allow := h.allowed(r.URL.Path); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			e := errs.New(errs.MethodNotAllowed, "api.method_not_allowed", "method not allowed; see the Allow header")
			e.Args = map[string]any{"method": r.Method, "allow": strings.Join(allow, ", ")}
			h.ServeError(w, r, e)
			return
		}
		h.ServeError(w, r, errNotFound())
	})
}

// allowed lists the methods the registered routes answer at path, sorted,
// with HEAD wherever GET is (the mux answers HEAD for GET routes).
func (h *Handler) allowed(path string) []string {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	set := map[string]bool{}
	for _, route := range h.routes {
		method, pattern, _ := strings.Cut(route, " ")
		ps := strings.Split(strings.Trim(pattern, "/"), "/")
		if len(ps) != len(seg) {
			continue
		}
		match := true
		for i, p := range ps {
			if strings.HasPrefix(p, "{") {
				match = match && seg[i] != ""
			} else {
				match = match && p == seg[i]
			}
		}
		if match {
			set[method] = true
			if method == http.MethodGet {
				set[http.MethodHead] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// Routes returns the registered patterns ("GET /api/v1/units/{id}"),
// sorted; the documentation test checks each is in docs/api.md.
func (h *Handler) Routes() []string {
	out := append([]string(nil), h.routes...)
	sort.Strings(out)
	return out
}

func (h *Handler) signedIn(fn endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := session.Actor(r.Context())
		if a == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kaohe"`)
			h.ServeError(w, r, errs.New(errs.Unauthorized, "auth.signed_out", "not signed in"))
			return
		}
		fn(w, r, a)
	}
}

// errorBody is the one shape of every API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the offending input field, when there is one.
	Field string `json:"field,omitempty"`
}

// ServeError writes err in the API's error shape with the status its code
// maps to (Forbidden on an object's route as NotFound, errs.ForRoute), the message localized by Accept-Language (Chinese by default).
func (h *Handler) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	err = errs.ForRoute(err, r)
	status := errs.HTTPStatus(err)
	if status >= 500 {
		h.log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	loc := h.loc.For(r.Header.Get("Accept-Language"))
	body := errorBody{Error: errorDetail{Code: string(errs.CodeOf(err)), Message: loc.Error(err)}}
	var e *errs.Error
	if status < 500 && errors.As(err, &e) {
		body.Error.Field = e.Field
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// pathID parses the {id} of the route; a malformed id is simply not found.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound()
	}
	return id, nil
}

func errNotFound() error { return errs.New(errs.NotFound, "error.not_found", "not found") }
