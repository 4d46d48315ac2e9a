package server

import (
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestPersonList: every role's cadre roster holds the people inside its
// jurisdiction that it may read, and never one outside (李四 of 乙县).
func TestPersonList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, tc := range []struct {
			role auth.Role
			in   bool
		}{
			{auth.RoleOffice, true}, {auth.RoleTeam, true}, {auth.RoleSupervisor, true},
			{auth.RoleViewer, true}, {auth.RoleCadre, true}, {auth.RoleProvider, false},
		} {
			t.Run(string(tc.role), func(t *testing.T) {
				res, body := f.get(t, f.signIn(t, string(tc.role)), "/people")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("got %d", res.StatusCode)
				}
				if got := strings.Contains(body, ">张三</a>"); got != tc.in {
					t.Errorf("lists 张三 of 甲县: %v, want %v", got, tc.in)
				}
				if strings.Contains(body, "李四") {
					t.Error("lists 李四 of 乙县, outside the jurisdiction")
				}
			})
		}
	})
}
