package feedback

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/smtp"
	"strings"
	"time"
)

// Message is a notification as it leaves the platform.
type Message struct {
	// Login and Name are the recipient's.
	Login, Name string
	Kind        Kind
	// Text is the message as the inbox words it; Link the page, a path
	// the sender joins to the site's address.
	Text, Link string
}

// Sender sends notifications outside the platform: an administrator
// configures one (SMTP or a webhook); there is none by default.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends each message as a mail to <login>@Domain through the relay
// at Addr (host:port), from From; BaseURL makes its link absolute.
type SMTP struct {
	Addr, From, Domain, BaseURL string
}

// Send implements Sender.
func (s SMTP) Send(_ context.Context, m Message) error {
	if m.Login == "" {
		return fmt.Errorf("smtp: no recipient")
	}
	to := m.Login + "@" + s.Domain
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n%s\r\n%s%s\r\n",
		s.From, to, mime.BEncoding.Encode("UTF-8", m.Text), m.Text, strings.TrimSuffix(s.BaseURL, "/"), m.Link)
	return smtp.SendMail(s.Addr, nil, s.From, []string{to}, []byte(b.String()))
}

// Webhook posts each message as JSON to URL.
type Webhook struct {
	URL     string
	BaseURL string
	Client  *http.Client
}

// Send implements Sender.
func (w Webhook) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(map[string]string{"login": m.Login, "name": m.Name, "kind": string(m.Kind), "text": m.Text,
		"link": strings.TrimSuffix(w.BaseURL, "/") + m.Link})
	if err != nil {
		return err
	}
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: %s", res.Status)
	}
	return nil
}

// Senders sends each message through every one of its senders and
// returns the first failure.
type Senders []Sender

// Send implements Sender.
func (ss Senders) Send(ctx context.Context, m Message) error {
	var first error
	for _, s := range ss {
		if err := s.Send(ctx, m); err != nil && first == nil {
			first = err
		}
	}
	return first
}
