package locale

import (
	"net/http"
	"testing"
	"time"

	"kaohe/internal/errs"
)

func TestLoadSameKeys(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := b.Keys(Chinese), b.Keys(English)
	if len(zh) == 0 || len(zh) != len(en) {
		t.Fatalf("got %d zh-CN keys and %d en keys, want the same non-zero number", len(zh), len(en))
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		prefs []string
		want  string
	}{
		{nil, Chinese},
		{[]string{""}, Chinese},
		{[]string{"en"}, English},
		{[]string{"en-US,en;q=0.9"}, English},
		{[]string{"zh-CN"}, Chinese},
		{[]string{"zh-TW,zh;q=0.8"}, Chinese},
		{[]string{"fr-FR"}, Chinese},
		{[]string{"", "en"}, English},
		{[]string{"garbage;;;"}, Chinese},
	}
	for _, tt := range tests {
		if got := Match(tt.prefs...); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.prefs, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC) // 09:30 in Beijing
	tests := []struct {
		lang, num, date, datetime string
	}{
		{Chinese, "1,234,567", "2026年3月2日", "2026年3月2日 09:30"},
		{English, "1,234,567", "2 Mar 2026", "2 Mar 2026 09:30"},
	}
	for _, tt := range tests {
		l := b.For(tt.lang)
		if got := l.Num(1234567); got != tt.num {
			t.Errorf("%s Num = %q, want %q", tt.lang, got, tt.num)
		}
		if got := l.Date(at); got != tt.date {
			t.Errorf("%s Date = %q, want %q", tt.lang, got, tt.date)
		}
		if got := l.DateTime(at); got != tt.datetime {
			t.Errorf("%s DateTime = %q, want %q", tt.lang, got, tt.datetime)
		}
	}
}

func TestError(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	short := errs.New(errs.Invalid, "auth.password.short", "too short")
	short.Args = map[string]any{"min": 10}
	rowErr := errs.New(errs.Invalid, "auth.password.short", "too short")
	rowErr.Args, rowErr.Row = map[string]any{"min": 10}, 3
	tests := []struct {
		name   string
		lang   string
		err    error
		want   string
		status int
	}{
		{"key with args", Chinese, short, "密码至少需要 10 个字符。", http.StatusUnprocessableEntity},
		{"key in English", English, short, "The password needs at least 10 characters.", http.StatusUnprocessableEntity},
		{"row", Chinese, rowErr, "第 3 行：密码至少需要 10 个字符。", http.StatusUnprocessableEntity},
		{"unknown key falls back to code", Chinese, errs.New(errs.NotFound, "no.such.key", "x"), "您要查找的对象不存在，或不在您的管辖范围内。", http.StatusNotFound},
		{"uncoded error is internal", Chinese, errFake{}, "系统内部错误，请稍后再试或联系系统管理员。", http.StatusInternalServerError},
		{"forbidden", English, errs.Errorf(errs.Forbidden, "no"), "You are not allowed to do this.", http.StatusForbidden},
		{"unauthorized", Chinese, errs.Errorf(errs.Unauthorized, "no"), "请先登录。", http.StatusUnauthorized},
		{"conflict", Chinese, errs.Errorf(errs.Conflict, "no"), "当前状态不允许此操作。", http.StatusConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.For(tt.lang).Error(tt.err); got != tt.want {
				t.Errorf("Error = %q, want %q", got, tt.want)
			}
			if got := errs.HTTPStatus(tt.err); got != tt.status {
				t.Errorf("HTTPStatus = %d, want %d", got, tt.status)
			}
		})
	}
}

type errFake struct{}

func (errFake) Error() string { return "secret internal detail" }
