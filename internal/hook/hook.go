// Package hook posts events to the systems that share Kaohe's data: a
// sharing token (auth.Share) may have webhooks, each told of the events it
// subscribes to — a cycle's results published, a feedback report
// released, a new value of one of its items — within the token's subtree
// and what it may read. The audit log is the outbox: every such change
// records its audit event in the change's own transaction, and the
// dispatcher follows the log (Scan), composes each webhook's deliveries
// once, and posts them signed with HMAC-SHA256, retrying with backoff
// (Deliver). See docs/decisions/0183-webhooks.md.
package hook

import (
	"context"
	"net/http"
	"slices"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Event is the kind of an event a webhook subscribes to.
type Event string

// The events.
const (
	// CyclePublished: a cycle's results were published, or republished
	// as a new snapshot version after a correction.
	CyclePublished Event = "cycle.published"
	// ReportReleased: a feedback report was released to its unit or cadre.
	ReportReleased Event = "report.released"
	// ValueChanged: values of one of the webhook's items were submitted,
	// corrected or published for units of the subtree.
	ValueChanged Event = "value.changed"
)

// Events lists the events in the order the pages show them.
var Events = []Event{CyclePublished, ReportReleased, ValueChanged}

// Source turns the audit entries of one event into what a webhook is
// told. The owner of the event's objects provides it (wired in server).
type Source struct {
	Event Event
	// Actions are the audit actions that may be the event.
	Actions []string
	// Notice reads entry e within tx for the sharing actor a: the event's
	// data, or ok false when the entry is not the event or a may not
	// know of it. items are the webhook's items (ValueChanged only).
	Notice func(ctx context.Context, tx *db.Tx, e audit.Entry, a *auth.Actor, items []string) (data any, ok bool, err error)
}

// Tokens finds sharing tokens and the actors they act as; auth.Service
// implements it.
type Tokens interface {
	ShareToken(ctx context.Context, tx *db.Tx, id int64) (*auth.APIToken, error)
	ShareActor(ctx context.Context, tx *db.Tx, id int64) (*auth.Actor, error)
}

// Service manages webhooks and delivers their events.
type Service struct {
	db      *db.DB
	pol     auth.Policy
	tokens  Tokens
	sources []Source
	client  *http.Client
}

// NewService returns the webhook service over the given sources.
func NewService(d *db.DB, pol auth.Policy, tokens Tokens, sources ...Source) *Service {
	return &Service{db: d, pol: pol, tokens: tokens, sources: sources,
		client: &http.Client{Timeout: postTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// postTimeout bounds one post; a receiver that takes longer has failed.
const postTimeout = 10 * time.Second

// Webhook is one subscription of a sharing token.
type Webhook struct {
	ID, TokenID int64
	URL         string
	Events      []Event
	// Items are the item codes whose new values it is told of, empty
	// for all of the token's.
	Items     []string
	CreatedBy int64
	CreatedAt time.Time
	// Counts of its deliveries by status.
	Pending, Delivered, Failed int
}

// Wants reports whether w subscribes to ev.
func (w *Webhook) Wants(ev Event) bool { return slices.Contains(w.Events, ev) }

// Status is where a delivery stands.
type Status string

// The statuses of a delivery.
const (
	Pending   Status = "pending"   // 待投递: due now or after a failed attempt
	Delivered Status = "delivered" // 已送达: answered 2xx
	Failed    Status = "failed"    // 投递失败: out of attempts, or the token lapsed
)

// Delivery is one event posted, or to be posted, to one webhook.
type Delivery struct {
	ID, WebhookID int64
	// Seq is the audit-log entry it tells of.
	Seq   int64
	Event Event
	// Body is the JSON posted.
	Body     string
	Status   Status
	Attempts int
	// NextAt is when the next attempt is due (pending only).
	NextAt, LastAt, CreatedAt, DeliveredAt time.Time
	// LastStatus is the HTTP status of the last attempt, 0 for none;
	// LastProblem what went wrong, "" when nothing did, and LastError
	// the error as the client saw it.
	LastStatus  int
	LastProblem Problem
	LastError   string
}

// Problem is what went wrong with an attempt.
type Problem string

// The problems of an attempt.
const (
	ProblemStatus      Problem = "status"      // the receiver answered other than 2xx
	ProblemTimeout     Problem = "timeout"     // it did not answer in time
	ProblemUnreachable Problem = "unreachable" // no connection, or no valid answer
	ProblemLapsed      Problem = "lapsed"      // the token is revoked, expired or lapsed
)

// actions lists the audit actions of the sources.
func (s *Service) actions() []string {
	var out []string
	for _, src := range s.sources {
		out = append(out, src.Actions...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
