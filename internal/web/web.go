// Package web serves Kaohe's server-rendered pages. Each page or action has
// its own file named after it (unit_show.go, user_save.go); handlers parse
// the request, call one service method — the service checks the actor's
// permission — and render a template or redirect. Templates and static
// files are embedded and checked when New runs.
package web

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"kaohe/internal/analysis"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/feedback"
	"kaohe/internal/fieldwork"
	"kaohe/internal/finding"
	"kaohe/internal/hook"
	"kaohe/internal/locale"
	"kaohe/internal/org"
	"kaohe/internal/outcome"
	"kaohe/internal/pdf"
	"kaohe/internal/review"
	"kaohe/internal/scheme"
	"kaohe/internal/session"
	"kaohe/internal/survey"
	"kaohe/internal/track"
)

// Config is what the pages need.
type Config struct {
	Auth   *auth.Service
	Org    *org.Service
	Survey *survey.Service
	Scheme *scheme.Service
	// Collect serves data submission and collection status.
	Collect *collect.Service
	// Cycle runs assessment cycles and serves their results.
	Cycle *cycle.Service
	// Field records the assessment team's field work.
	Field *fieldwork.Service
	// Finding records and reads supervision findings.
	Finding *finding.Service
	// Outcome proposes and decides the use of results.
	Outcome *outcome.Service
	// Track keeps commitments, the work ledger and monitors.
	Track *track.Service
	// Review keeps 政务服务"好差评": service items, reviews, work orders.
	Review *review.Service
	// Feedback serves feedback reports, rectification tasks, appeals
	// and the inbox; Printer prints the reports to PDF.
	Feedback *feedback.Service
	Printer  *pdf.Printer
	Policy   auth.Policy
	Locale   *locale.Bundle
	Logger   *slog.Logger
	// BaseURL is the public address of the site ("https://kaohe.example"),
	// from which the links printed on code sheets and shown for public
	// surveys are built — never from the request's Host.
	BaseURL string

	// Analysis finds the weak links across units and cycles.
	Analysis *analysis.Service
	// Hooks keeps the webhooks of sharing tokens.
	Hooks *hook.Service
}

// Handler serves the pages.
type Handler struct {
	auth   *auth.Service
	org    *org.Service
	survey *survey.Service
	scheme *scheme.Service
	// collect serves data submission and collection status.
	collect *collect.Service
	cycle   *cycle.Service
	field   *fieldwork.Service
	finding *finding.Service
	outcome *outcome.Service
	// feedback and printer serve the feedback reports.
	feedback *feedback.Service
	printer  *pdf.Printer
	policy   auth.Policy
	loc      *locale.Bundle
	log      *slog.Logger
	views    *views
	// ballotFields caches the rendered fields of blank ballots, by
	// evaluation and language (see ballot_show.go).
	ballotFields sync.Map
	// base is the public address of the site, without a trailing slash.
	base string

	// analysis finds the weak links across units and cycles.
	analysis *analysis.Service
	track    *track.Service
	// review keeps 政务服务"好差评".
	review *review.Service
	// hooks keeps the webhooks of sharing tokens.
	hooks *hook.Service
}

// New parses and checks every template; a template that is missing, does
// not parse or uses an unknown message key makes it fail.
func New(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	v, err := loadViews(cfg.Locale)
	if err != nil {
		return nil, err
	}
	return &Handler{
		auth: cfg.Auth, org: cfg.Org, survey: cfg.Survey, scheme: cfg.Scheme,
		collect: cfg.Collect, cycle: cfg.Cycle, field: cfg.Field, finding: cfg.Finding, policy: cfg.Policy,
		loc: cfg.Locale, log: cfg.Logger, views: v, base: strings.TrimSuffix(cfg.BaseURL, "/"),
		analysis: cfg.Analysis,
		outcome:  cfg.Outcome,
		track:    cfg.Track,
		review:   cfg.Review,
		hooks:    cfg.Hooks,
		feedback: cfg.Feedback, printer: cfg.Printer,
	}, nil
}

// Register adds the pages' routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(http.FileServerFS(static))))

	mux.HandleFunc("GET /signin", h.signinForm)
	mux.HandleFunc("POST /signin", h.signin)
	mux.HandleFunc("POST /signout", h.signout)
	mux.HandleFunc("POST /language", h.languageSave)

	mux.HandleFunc("GET /{$}", h.signedIn(h.home))
	mux.HandleFunc("GET /units", h.signedIn(h.unitTree))
	mux.HandleFunc("GET /units/search", h.signedIn(h.unitSearch))
	mux.HandleFunc("GET /units/{id}", h.signedIn(h.unitShow))
	mux.HandleFunc("GET /units/{id}/children", h.signedIn(h.unitChildren))
	mux.HandleFunc("GET /people", h.signedIn(h.personList))
	mux.HandleFunc("GET /people/{id}", h.signedIn(h.personShow))
	mux.HandleFunc("GET /people/{id}/archive.pdf", h.signedIn(h.personPDF))
	mux.HandleFunc("GET /users", h.signedIn(h.userList))
	mux.HandleFunc("POST /users", h.signedIn(h.userSave))
	mux.HandleFunc("POST /users/{id}/grants", h.signedIn(h.userGrant))
	mux.HandleFunc("POST /users/{id}/revoke", h.signedIn(h.userRevoke))
	mux.HandleFunc("POST /users/{id}/password", h.signedIn(h.userReset))
	mux.HandleFunc("POST /users/{id}/disable", h.signedIn(h.userDisable))
	mux.HandleFunc("POST /users/{id}/unlock", h.signedIn(h.userUnlock))
	mux.HandleFunc("POST /users/{id}/enable", h.signedIn(h.userEnable))
	mux.HandleFunc("GET /users/{id}/tokens", h.signedIn(h.userTokens))
	mux.HandleFunc("POST /users/{id}/tokens/{token}/revoke", h.signedIn(h.userTokenRevoke))
	mux.HandleFunc("GET /audit", h.signedIn(h.auditList))
	mux.HandleFunc("GET /schemes", h.signedIn(h.schemeList))
	mux.HandleFunc("POST /schemes", h.signedIn(h.schemeSave))
	mux.HandleFunc("GET /schemes/streamline", h.signedIn(h.streamlineReport))
	mux.HandleFunc("GET /schemes/{id}", h.signedIn(h.schemeShow))
	mux.HandleFunc("GET /schemes/{id}/diff", h.signedIn(h.schemeDiff))
	mux.HandleFunc("POST /schemes/{id}/versions", h.signedIn(h.schemeVersionCreate))
	mux.HandleFunc("GET /schemes/{id}/versions/{n}", h.signedIn(h.schemeVersionShow))
	mux.HandleFunc("GET /schemes/{id}/versions/{n}/{format}", h.signedIn(h.schemeExport))
	mux.HandleFunc("POST /schemes/{id}/versions/{n}/weights", h.signedIn(h.schemeWeightsSave))
	mux.HandleFunc("POST /schemes/{id}/versions/{n}/ahp", h.signedIn(h.schemeAHP))
	mux.HandleFunc("POST /schemes/{id}/versions/{n}/rules", h.signedIn(h.schemeRulesSave))
	mux.HandleFunc("POST /schemes/{id}/versions/{n}/activate", h.signedIn(h.schemeVersionActivate))
	mux.HandleFunc("POST /schemes/{id}/versions/{n}/retire", h.signedIn(h.schemeVersionRetire))
	mux.HandleFunc("GET /indicators", h.signedIn(h.indicatorList))
	mux.HandleFunc("POST /indicators", h.signedIn(h.indicatorSave))
	// Data submission by providers; collection status for the office.
	mux.HandleFunc("GET /collect", h.signedIn(h.collectPage))
	mux.HandleFunc("POST /collect", h.signedIn(h.collectSave))
	mux.HandleFunc("POST /collect/upload", h.signedIn(h.collectUpload))
	mux.HandleFunc("GET /collect/template.xlsx", h.signedIn(h.collectTemplate))
	mux.HandleFunc("GET /collect/status", h.signedIn(h.collectStatus))
	mux.HandleFunc("GET /collect/status/reminders.xlsx", h.signedIn(h.collectReminders))
	mux.HandleFunc("POST /collect/evidence", h.signedIn(h.collectEvidenceSave))
	mux.HandleFunc("GET /collect/evidence/{id}", h.signedIn(h.collectEvidenceShow))
	mux.HandleFunc("GET /collect/values", h.signedIn(h.collectValues))
	mux.HandleFunc("POST /collect/values/review", h.signedIn(h.collectReview))
	mux.HandleFunc("GET /collect/history", h.signedIn(h.valueHistory))
	// Data items and their deadlines, for the assessment office.
	mux.HandleFunc("GET /items", h.signedIn(h.itemList))
	mux.HandleFunc("POST /items", h.signedIn(h.itemCreate))
	mux.HandleFunc("GET /items/new", h.signedIn(h.itemNew))
	mux.HandleFunc("GET /items/{code}", h.signedIn(h.itemEdit))
	mux.HandleFunc("POST /items/{code}", h.signedIn(h.itemUpdate))
	mux.HandleFunc("POST /items/{code}/deadlines", h.signedIn(h.itemDeadlineSave))
	// Assessment cycles: dashboard, scoring, review, results.
	mux.HandleFunc("GET /cycles", h.signedIn(h.cycleList))
	mux.HandleFunc("GET /cycles/open", h.signedIn(h.cycleOpen))
	mux.HandleFunc("POST /cycles", h.signedIn(h.cycleSave))
	mux.HandleFunc("GET /cycles/{id}", h.signedIn(h.cycleShow))
	mux.HandleFunc("POST /cycles/{id}/move", h.signedIn(h.cycleMove))
	mux.HandleFunc("POST /cycles/{id}/run", h.signedIn(h.cycleRun))
	mux.HandleFunc("POST /cycles/{id}/approve", h.signedIn(h.resultApprove))
	mux.HandleFunc("GET /cycles/{id}/ranking", h.signedIn(h.rankingShow))
	mux.HandleFunc("GET /cycles/{id}/ranking.xlsx", h.signedIn(h.rankingExport))
	mux.HandleFunc("GET /cycles/{id}/heatmap", h.signedIn(h.heatmapShow))
	mux.HandleFunc("GET /cycles/{id}/feedback.xlsx", h.signedIn(h.resultFeedback))
	mux.HandleFunc("GET /cycles/{id}/results/{entity}", h.signedIn(h.profileShow))
	mux.HandleFunc("GET /cycles/{id}/results/{entity}/decomposition.xlsx", h.signedIn(h.profileExport))
	mux.HandleFunc("POST /cycles/{id}/results/{entity}/calibrate", h.signedIn(h.resultCalibrate))
	// The assessment team's field work: verifications, interviews and
	// judgements of a cycle's entities.
	mux.HandleFunc("GET /field", h.signedIn(h.fieldList))
	mux.HandleFunc("GET /field/evidence/{id}", h.signedIn(h.fieldEvidenceShow))
	mux.HandleFunc("GET /cycles/{id}/field", h.signedIn(h.fieldTasks))
	mux.HandleFunc("GET /cycles/{id}/field/{entity}", h.signedIn(h.fieldShow))
	mux.HandleFunc("POST /cycles/{id}/field/{entity}/verifications", h.signedIn(h.fieldVerificationSave))
	mux.HandleFunc("POST /cycles/{id}/field/{entity}/interviews", h.signedIn(h.fieldInterviewSave))
	mux.HandleFunc("POST /cycles/{id}/field/{entity}/judgements", h.signedIn(h.fieldJudgementSave))
	// Supervision findings: recorded by the bodies, read by the office and
	// by the cadres they name once notified.
	mux.HandleFunc("GET /sanctions", h.signedIn(h.sanctionList))
	mux.HandleFunc("POST /sanctions", h.signedIn(h.sanctionSave))
	mux.HandleFunc("POST /sanctions/{id}/lift", h.signedIn(h.sanctionLift))
	mux.HandleFunc("POST /follow-ups/{id}", h.signedIn(h.followUpSave))
	mux.HandleFunc("GET /findings", h.signedIn(h.findingList))
	mux.HandleFunc("POST /findings", h.signedIn(h.findingSave))
	mux.HandleFunc("POST /findings/upload", h.signedIn(h.findingUpload))
	mux.HandleFunc("GET /findings/template.xlsx", h.signedIn(h.findingTemplate))
	mux.HandleFunc("GET /findings/export.xlsx", h.signedIn(h.findingExport))
	mux.HandleFunc("GET /findings/{id}/evidence/{file}", h.signedIn(h.findingEvidenceShow))
	mux.HandleFunc("GET /findings/{id}", h.signedIn(h.findingShow))
	mux.HandleFunc("POST /findings/{id}", h.signedIn(h.findingUpdate))
	mux.HandleFunc("POST /findings/{id}/notify", h.signedIn(h.findingNotify))
	mux.HandleFunc("POST /findings/{id}/evidence", h.signedIn(h.findingEvidenceSave))
	mux.HandleFunc("POST /findings/{id}/transfers", h.signedIn(h.findingTransfer))
	mux.HandleFunc("POST /findings/{id}/transfers/{transfer}/{step}", h.signedIn(h.findingTransferStep))
	// The review of a finding: exemption (容错免责) step by step, and
	// clarification (澄清正名).
	mux.HandleFunc("GET /findings/{id}/review", h.signedIn(h.findingReviewShow))
	mux.HandleFunc("POST /findings/{id}/exemptions", h.signedIn(h.exemptionApply))
	mux.HandleFunc("POST /findings/{id}/exemptions/{exemption}/{step}", h.signedIn(h.exemptionStep))
	mux.HandleFunc("POST /findings/{id}/clarification", h.signedIn(h.findingClarify))
	mux.HandleFunc("GET /findings/{id}/exemption-files/{file}", h.signedIn(h.exemptionFileShow))
	// Use of results: the rules' proposals decided by the office, the
	// rules, and handovers of posts signed by both sides.
	mux.HandleFunc("GET /outcome", h.signedIn(h.outcomeList))
	mux.HandleFunc("POST /outcome/run", h.signedIn(h.outcomeRun))
	mux.HandleFunc("GET /outcome/proposals/{id}", h.signedIn(h.outcomeProposalShow))
	mux.HandleFunc("POST /outcome/proposals/{id}/decide", h.signedIn(h.outcomeDecide))
	mux.HandleFunc("GET /outcome/rules", h.signedIn(h.outcomeRules))
	mux.HandleFunc("POST /outcome/rules", h.signedIn(h.outcomeRuleSave))
	mux.HandleFunc("GET /handovers", h.signedIn(h.handoverList))
	mux.HandleFunc("POST /handovers", h.signedIn(h.handoverSave))
	mux.HandleFunc("GET /handovers/{id}", h.signedIn(h.handoverShow))
	mux.HandleFunc("POST /handovers/{id}/sign", h.signedIn(h.handoverSign))
	mux.HandleFunc("GET /reserve", h.signedIn(h.reserveList))
	mux.HandleFunc("POST /reserve", h.signedIn(h.reserveSave))
	mux.HandleFunc("POST /reserve/{id}/{step}", h.signedIn(h.reserveMove))
	mux.HandleFunc("POST /people/{id}/adjustments", h.signedIn(h.adjustmentSave))
	mux.HandleFunc("POST /adjustments/{id}/{step}", h.signedIn(h.adjustmentStep))
	mux.HandleFunc("POST /people/{id}/trainings", h.signedIn(h.trainingSave))
	mux.HandleFunc("GET /people/{id}/report", h.signedIn(h.personReport))
	// Commitments (亮诺 · 亮晒 · 亮效) and the monitoring of key indicators.
	mux.HandleFunc("GET /commitments", h.signedIn(h.commitmentList))
	mux.HandleFunc("POST /commitments", h.signedIn(h.commitmentSave))
	mux.HandleFunc("POST /commitments/windows", h.signedIn(h.windowSave))
	mux.HandleFunc("GET /commitments/{id}", h.signedIn(h.commitmentShow))
	mux.HandleFunc("POST /commitments/{id}/review", h.signedIn(h.commitmentReview))
	mux.HandleFunc("POST /commitments/{id}/change", h.signedIn(h.commitmentChange))
	mux.HandleFunc("POST /commitments/{id}/change/decide", h.signedIn(h.commitmentDecide))
	mux.HandleFunc("POST /commitments/{id}/reports", h.signedIn(h.commitmentReport))
	mux.HandleFunc("POST /commitments/{id}/verify", h.signedIn(h.commitmentVerify))
	mux.HandleFunc("GET /commitments/{id}/files/{file}", h.signedIn(h.commitmentFileShow))
	mux.HandleFunc("GET /monitors", h.signedIn(h.monitorList))
	mux.HandleFunc("POST /monitors", h.signedIn(h.monitorSave))
	mux.HandleFunc("POST /monitors/check", h.signedIn(h.monitorCheck))
	mux.HandleFunc("POST /alerts/{id}/explain", h.signedIn(h.alertExplain))
	mux.HandleFunc("GET /ledger", h.signedIn(h.ledgerList))
	mux.HandleFunc("POST /ledger", h.signedIn(h.ledgerSave))
	mux.HandleFunc("GET /ledger.xlsx", h.signedIn(h.ledgerExport))
	mux.HandleFunc("POST /ledger/{id}/evidence", h.signedIn(h.ledgerEvidenceSave))
	mux.HandleFunc("GET /ledger/{id}/evidence/{file}", h.signedIn(h.ledgerEvidenceShow))
	mux.HandleFunc("GET /self-assessment", h.signedIn(h.selfAssessmentShow))
	mux.HandleFunc("POST /self-assessment", h.signedIn(h.selfAssessmentSave))
	// Feedback reports, rectification tasks, appeals and the inbox.
	mux.HandleFunc("GET /feedback", h.signedIn(h.feedbackList))
	mux.HandleFunc("POST /cycles/{id}/feedback", h.signedIn(h.feedbackDraft))
	mux.HandleFunc("GET /cycles/{id}/versions", h.signedIn(h.cycleVersions))
	mux.HandleFunc("GET /feedback/{id}", h.signedIn(h.feedbackShow))
	mux.HandleFunc("GET /feedback/{id}/report.pdf", h.signedIn(h.feedbackPDF))
	mux.HandleFunc("GET /feedback/{id}/report.xlsx", h.signedIn(h.feedbackExport))
	mux.HandleFunc("POST /feedback/{id}/recommendations", h.signedIn(h.feedbackRecommend))
	mux.HandleFunc("POST /feedback/{id}/release", h.signedIn(h.feedbackRelease))
	mux.HandleFunc("POST /feedback/{id}/receipt", h.signedIn(h.feedbackReceive))
	mux.HandleFunc("POST /feedback/{id}/tasks", h.signedIn(h.taskCreate))
	mux.HandleFunc("POST /feedback/{id}/appeals", h.signedIn(h.appealFile))
	mux.HandleFunc("GET /tasks", h.signedIn(h.taskList))
	mux.HandleFunc("POST /tasks/{id}/progress", h.signedIn(h.taskProgress))
	mux.HandleFunc("POST /tasks/{id}/verify", h.signedIn(h.taskVerify))
	mux.HandleFunc("GET /tasks/{id}/files/{update}", h.signedIn(h.taskFileShow))
	mux.HandleFunc("POST /appeals/{id}/answer", h.signedIn(h.appealAnswer))
	mux.HandleFunc("GET /appeals/{id}/file", h.signedIn(h.appealFileShow))
	mux.HandleFunc("GET /inbox", h.signedIn(h.inboxList))
	mux.HandleFunc("POST /inbox/{id}", h.signedIn(h.inboxOpen))
	mux.HandleFunc("GET /password", h.signedIn(h.passwordForm))
	mux.HandleFunc("POST /password", h.signedIn(h.passwordChange))
	mux.HandleFunc("GET /tokens", h.signedIn(h.tokenList))
	mux.HandleFunc("POST /tokens", h.signedIn(h.tokenCreate))
	mux.HandleFunc("POST /tokens/{id}/revoke", h.signedIn(h.tokenRevoke))

	// Democratic evaluation: the organisers' pages, then the raters' and
	// the public's, which need no sign-in.
	mux.HandleFunc("GET /evaluations", h.signedIn(h.evaluationList))
	mux.HandleFunc("POST /evaluations", h.signedIn(h.evaluationSave))
	mux.HandleFunc("GET /evaluations/{id}", h.signedIn(h.evaluationShow))
	mux.HandleFunc("GET /evaluations/{id}/participation", h.signedIn(h.evaluationParticipation))
	mux.HandleFunc("POST /evaluations/{id}/codes", h.signedIn(h.evaluationCodesIssue))
	mux.HandleFunc("GET /evaluations/{id}/codes", h.signedIn(h.evaluationCodes))
	mux.HandleFunc("GET /evaluations/{id}/codes.csv", h.signedIn(h.evaluationCodesCSV))
	mux.HandleFunc("POST /evaluations/{id}/open", h.signedIn(h.evaluationOpen))
	mux.HandleFunc("POST /evaluations/{id}/close", h.signedIn(h.evaluationClose))
	mux.HandleFunc("GET /evaluations/{id}/results", h.signedIn(h.evaluationResults))
	mux.HandleFunc("GET /evaluations/{id}/results.xlsx", h.signedIn(h.evaluationResultsExport))
	mux.HandleFunc("GET /b", h.ballotEnter)
	mux.HandleFunc("GET /b/{code}", h.ballotShow)
	mux.HandleFunc("POST /b/{code}", h.ballotSubmit)
	mux.HandleFunc("GET /s/{token}", h.surveyShow)
	mux.HandleFunc("POST /s/{token}", h.surveySubmit)
	// The weak-link analysis across units and published cycles (#17).
	mux.HandleFunc("GET /analysis", h.signedIn(h.analysisShow))
	mux.HandleFunc("GET /analysis.xlsx", h.signedIn(h.analysisExport))
	mux.HandleFunc("GET /analysis/policy", h.signedIn(h.analysisPolicy))
	mux.HandleFunc("GET /analysis/indicators/{code}", h.signedIn(h.analysisIndicator))
	mux.HandleFunc("GET /analysis/indicators/{code}/units.xlsx", h.signedIn(h.analysisIndicatorExport))
	mux.HandleFunc("GET /analysis/units/{id}", h.signedIn(h.analysisUnit))
	mux.HandleFunc("GET /catalogue", h.signedIn(h.catalogueShow))
	mux.HandleFunc("POST /tokens/share", h.signedIn(h.shareTokenCreate))
	mux.HandleFunc("GET /tokens/{token}/reads", h.signedIn(h.shareReads))
	mux.HandleFunc("GET /tokens/{token}/webhooks", h.signedIn(h.tokenWebhooks))
	mux.HandleFunc("POST /tokens/{token}/webhooks", h.signedIn(h.tokenWebhookCreate))
	mux.HandleFunc("GET /webhooks/{id}", h.signedIn(h.webhookShow))
	mux.HandleFunc("POST /webhooks/{id}/delete", h.signedIn(h.webhookDelete))
	mux.HandleFunc("POST /webhooks/{id}/deliveries/{delivery}/redeliver", h.signedIn(h.webhookRedeliver))

	// 政务服务"好差评": the public's review page of a service item, reached
	// by the QR code on its window's poster, needs no sign-in; the office's
	// and the units' pages do.
	mux.HandleFunc("GET /r/{item}", h.reviewPage)
	mux.HandleFunc("POST /r/{item}", h.reviewPageSubmit)
	mux.HandleFunc("GET /review", h.signedIn(h.reviewDashboard))
	mux.HandleFunc("GET /review/metrics.xlsx", h.signedIn(h.reviewMetricsExport))
	mux.HandleFunc("POST /review/publish", h.signedIn(h.reviewPublish))
	mux.HandleFunc("POST /review/escalate", h.signedIn(h.reviewEscalate))
	mux.HandleFunc("POST /review/defaults", h.signedIn(h.reviewDefaults))
	mux.HandleFunc("GET /review/config", h.signedIn(h.reviewConfig))
	mux.HandleFunc("POST /review/config", h.signedIn(h.reviewConfigSave))
	mux.HandleFunc("POST /review/holidays", h.signedIn(h.reviewHolidaysSave))
	mux.HandleFunc("GET /review/units/{id}", h.signedIn(h.reviewUnit))
	mux.HandleFunc("POST /review/units/{id}/items", h.signedIn(h.reviewItemSave))
	mux.HandleFunc("POST /review/units/{id}/cases", h.signedIn(h.reviewCasesUpload))
	mux.HandleFunc("GET /review/units/{id}/invitations.xlsx", h.signedIn(h.reviewInvitationsExport))
	mux.HandleFunc("GET /review/items/{id}/poster", h.signedIn(h.reviewPoster))
	mux.HandleFunc("GET /review/orders", h.signedIn(h.workOrderList))
	mux.HandleFunc("GET /review/orders.xlsx", h.signedIn(h.workOrderExport))
	mux.HandleFunc("GET /review/orders/{id}", h.signedIn(h.workOrderShow))
	mux.HandleFunc("POST /review/orders/{id}", h.signedIn(h.workOrderAdvance))
	mux.HandleFunc("POST /review/orders/{id}/appeal", h.signedIn(h.reviewAppealFile))
	mux.HandleFunc("GET /review/held", h.signedIn(h.reviewHeld))
	mux.HandleFunc("GET /review/held.xlsx", h.signedIn(h.reviewHeldExport))
	mux.HandleFunc("POST /review/held/{id}", h.signedIn(h.reviewHeldDecide))
	mux.HandleFunc("POST /review/appeals/{id}", h.signedIn(h.reviewAppealDecide))
}

// staticHandler lets browsers cache static files: their URLs carry a hash
// of the content.
func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		next.ServeHTTP(w, r)
	})
}

// signedIn sends an anonymous visitor to the sign-in page and passes the
// actor to next.
func (h *Handler) signedIn(next func(w http.ResponseWriter, r *http.Request, a *auth.Actor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := session.Actor(r.Context())
		if a == nil {
			if isHTMX(r) {
				w.Header().Set("HX-Redirect", "/signin")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			q := url.Values{}
			if next := r.URL.RequestURI(); next != "/" {
				q.Set("next", next)
			}
			if session.From(r.Context()).Expired {
				q.Set("flash", "session_expired")
			}
			target := "/signin"
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next(w, r, a)
	}
}

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// localizer returns the localizer of the request: the signed-in user's
// language, else the language cookie, else Chinese.
func (h *Handler) localizer(r *http.Request) *locale.Localizer {
	if a := session.Actor(r.Context()); a != nil && a.Lang != "" {
		return h.loc.For(a.Lang)
	}
	if c, err := r.Cookie(session.LangCookie); err == nil {
		return h.loc.For(c.Value)
	}
	return h.loc.For(locale.Default)
}

// localPath returns next when it is a path on this site, else "/": a
// redirect after sign-in or a language switch never leaves the site.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// ServeError renders the error page for err; the server's middleware uses
// it for panics, refused cross-origin requests and failed sign-in lookups.
func (h *Handler) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	h.fail(w, r, err)
}

// fail renders err: the localized message on the error page, with the
// status its code maps to (Forbidden on an object's route as NotFound,
// errs.ForRoute). Internal errors are logged and shown generically.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = errs.ForRoute(err, r)
	status := errs.HTTPStatus(err)
	if status >= 500 {
		h.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", LogPath(r.URL.Path), "err", err)
	}
	var msg string
	var e *errs.Error
	if errors.As(err, &e) && status < 500 {
		msg = h.localizer(r).Error(err)
	}
	h.renderError(w, r, status, msg)
}

func notFound() error { return errs.New(errs.NotFound, "error.not_found", "not found") }
