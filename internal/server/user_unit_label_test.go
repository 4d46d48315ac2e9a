package server

import (
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestUserFormNamesTheUnitCode adds users with a unit code that is
// missing or names no unit in the office's jurisdiction: the message names
// the field the office filled in, 单位代码, not a unit of measure
// (计量单位), and no user is added.
func TestUserFormNamesTheUnitCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.signIn(t, "office")
		for _, tt := range []struct{ unit, want string }{
			{"", "单位代码：请填写单位代码。"},
			{"999999", "单位代码：找不到单位 999999。"},
			{"330200", "单位代码：找不到单位 330200。"}, // 乙市, outside 甲市
		} {
			res, body := postForm(t, f, c, "/users", url.Values{"login": {"newuser"}, "name": {"新用户"}, "role": {"viewer"}, "unit": {tt.unit}})
			if res.StatusCode != 422 || !strings.Contains(body, tt.want) || strings.Contains(body, "计量单位") {
				t.Errorf("unit %q: got %d, want 422 with %q and no 计量单位:\n%.2000s", tt.unit, res.StatusCode, tt.want, body)
			}
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM users WHERE login = 'newuser'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("got %d users newuser (%v), want none", n, err)
		}
	})
}
