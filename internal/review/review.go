// Package review holds 政务服务"好差评": a unit's service items (政务服务事项)
// and the cases (办件) imported from the government-service system; the
// public's reviews of those cases on the five levels of the national scheme,
// one per case and channel (一次一评) with one follow-up (追评); the work
// orders every 差评 opens, with deadlines in working days; the unit's
// appeals of malicious or mistaken reviews, which the assessment office
// decides; the fraud checks that hold a suspicious review for decision; and
// the metrics per unit and period that the package publishes as data items
// through collect.Publish, so that schemes score them like any collected
// value (docs/decisions/0130-service-reviews.md).
package review

import (
	"slices"
	"sync"
	"sync/atomic"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Service keeps service items, cases, reviews and work orders. Each method
// that a signed-in user calls checks the actor against the policy, runs in
// one transaction and records an audit event for every change; the public
// intake (Submit) needs no actor.
type Service struct {
	db      *db.DB
	pol     auth.Policy
	collect *collect.Service
	// salt keys the hashes of reviewers' contacts, devices and addresses:
	// random, made on first use and kept in the settings (saltOf).
	salt atomic.Pointer[[]byte]
	// queue feeds the public intake's writer, started once (queue.go).
	queue chan *pending
	start sync.Once
}

// NewService returns a Service on d that asks pol who may do what and
// publishes its metrics through c.
func NewService(d *db.DB, pol auth.Policy, c *collect.Service) *Service {
	return &Service{db: d, pol: pol, collect: c}
}

// Level is a level of the national 好差评 scheme.
type Level string

// The five levels, from the best.
const (
	VerySatisfied   Level = "very_satisfied"   // 非常满意
	Satisfied       Level = "satisfied"        // 满意
	Fair            Level = "fair"             // 基本满意
	Unsatisfied     Level = "unsatisfied"      // 不满意
	VeryUnsatisfied Level = "very_unsatisfied" // 非常不满意
)

// Levels lists the levels from the best.
var Levels = []Level{VerySatisfied, Satisfied, Fair, Unsatisfied, VeryUnsatisfied}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// Good reports whether l is a 好评 (非常满意 or 满意).
func (l Level) Good() bool { return l == VerySatisfied || l == Satisfied }

// Bad reports whether l is a 差评 (不满意 or 非常不满意): it opens a work order.
func (l Level) Bad() bool { return l == Unsatisfied || l == VeryUnsatisfied }

// Channel is where a review, or a case, was made.
type Channel string

// The channels of the national scheme.
const (
	ChannelDevice  Channel = "device"  // 窗口评价器
	ChannelWeb     Channel = "web"     // 网站
	ChannelMobile  Channel = "mobile"  // 移动端
	ChannelQR      Channel = "qr"      // 二维码
	ChannelSMS     Channel = "sms"     // 短信
	ChannelHotline Channel = "hotline" // 12345 热线
)

// Channels lists the channels in the order the interface shows them.
var Channels = []Channel{ChannelDevice, ChannelWeb, ChannelMobile, ChannelQR, ChannelSMS, ChannelHotline}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// Online reports whether reviews on c rate an online service (网站,
// 移动端): they take the online sub-items, the others the offline ones.
func (c Channel) Online() bool { return c == ChannelWeb || c == ChannelMobile }

// The sub-items of the national scheme, rated on the same five levels.
var (
	// OnlineSubitems: 整体满意度, 办事效率, 办事指南精确度, 办事便捷度, 平台操作性.
	OnlineSubitems = []string{"overall", "efficiency", "guide", "convenience", "usability"}
	// OfflineSubitems: 整体满意度, 服务效率, 服务水平, 服务态度.
	OfflineSubitems = []string{"overall", "service_efficiency", "service_level", "attitude"}
)

// Subitems returns the sub-items a review on channel c rates.
func Subitems(c Channel) []string {
	if c.Online() {
		return OnlineSubitems
	}
	return OfflineSubitems
}

// Kind is whether a review is the first of its case and channel or the
// one follow-up (追评) it allows.
type Kind string

// The kinds.
const (
	First  Kind = "first"
	Follow Kind = "follow"
)

// Status is whether a review counts in the statistics.
type Status string

// The statuses.
const (
	// Counted reviews count.
	Counted Status = "counted"
	// Held reviews carry fraud flags and wait for the office's decision.
	Held Status = "held"
	// Excluded reviews left the statistics by a recorded decision.
	Excluded Status = "excluded"
)

// The Chinese labels of the codes, for workbooks and the public page's
// fallbacks (the pages take theirs from the locale files, under
// review.level., review.channel., review.subitem. and review.state.).
var (
	levelLabels = map[Level]string{VerySatisfied: "非常满意", Satisfied: "满意", Fair: "基本满意", Unsatisfied: "不满意",
		VeryUnsatisfied: "非常不满意"}
	channelLabels = map[Channel]string{ChannelDevice: "窗口评价器", ChannelWeb: "网站", ChannelMobile: "移动端", ChannelQR: "二维码",
		ChannelSMS: "短信", ChannelHotline: "12345热线"}
)

// signedIn returns Unauthorized for a nil actor.
func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	return nil
}
