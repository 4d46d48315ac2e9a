package main

import (
	"flag"
	"fmt"
	"strconv"

	"kaohe/internal/feedback"
	"kaohe/internal/pdf"
	"kaohe/internal/server"
)

// feedbackFlags are the flags of feedback reports: the appeal window, the
// browser that prints PDF and the optional outgoing channel (off by
// default).
type feedbackFlags struct {
	appealDays, chromium, chromiumPath  *string
	smtp, smtpFrom, mailDomain, webhook *string
}

// registerFeedback registers the feedback flags on fs.
func registerFeedback(fs *flag.FlagSet) *feedbackFlags {
	return &feedbackFlags{
		appealDays: fs.String("appeal-days", env("KAOHE_APPEAL_DAYS", strconv.Itoa(feedback.DefaultAppealDays)),
			"days after publication within which a result may be appealed (env KAOHE_APPEAL_DAYS)"),
		chromium: fs.String("chromium", env("KAOHE_CHROMIUM", ""),
			"DevTools address of a running Chromium that prints PDF, e.g. http://127.0.0.1:9222 (env KAOHE_CHROMIUM); "+
				"empty starts --chromium-path on the first print"),
		chromiumPath: fs.String("chromium-path", env("KAOHE_CHROMIUM_PATH", pdf.DefaultChromium),
			"Chromium binary that prints PDF (env KAOHE_CHROMIUM_PATH); empty, with no --chromium, prints no PDF"),
		smtp: fs.String("smtp", env("KAOHE_SMTP", ""),
			"SMTP relay host:port that notifications are also mailed through (env KAOHE_SMTP); none when empty"),
		smtpFrom:   fs.String("smtp-from", env("KAOHE_SMTP_FROM", ""), "sender address of the mails (env KAOHE_SMTP_FROM)"),
		mailDomain: fs.String("mail-domain", env("KAOHE_MAIL_DOMAIN", ""), "mails go to <login>@this domain (env KAOHE_MAIL_DOMAIN)"),
		webhook: fs.String("webhook", env("KAOHE_WEBHOOK", ""),
			"URL that every notification is also posted to as JSON (env KAOHE_WEBHOOK); none when empty"),
	}
}

// config checks the flags and returns the server's feedback configuration.
func (f *feedbackFlags) config(baseURL string) (server.FeedbackConfig, error) {
	days, err := strconv.Atoi(*f.appealDays)
	if err != nil || days < 1 || days > 365 {
		return server.FeedbackConfig{}, fmt.Errorf("--appeal-days %q is not a number of days from 1 to 365", *f.appealDays)
	}
	out := server.FeedbackConfig{AppealDays: days, Chromium: *f.chromium, ChromiumPath: *f.chromiumPath}
	var senders feedback.Senders
	if *f.smtp != "" {
		if *f.smtpFrom == "" || *f.mailDomain == "" {
			return out, fmt.Errorf("--smtp needs --smtp-from and --mail-domain")
		}
		senders = append(senders, feedback.SMTP{Addr: *f.smtp, From: *f.smtpFrom, Domain: *f.mailDomain, BaseURL: baseURL})
	}
	if *f.webhook != "" {
		senders = append(senders, feedback.Webhook{URL: *f.webhook, BaseURL: baseURL})
	}
	if len(senders) > 0 {
		out.Sender = senders
	}
	return out, nil
}
