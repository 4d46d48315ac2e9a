package demo

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/org"
)

// signIn is a demo sign-in: its role, login, account name and the unit
// (by code) the role is granted in.
type signIn struct {
	role             auth.Role
	login, name      string
	unitCode, unitNm string
}

// signIns are the demo's sign-ins, one per role (two offices: the city's,
// and the province's, whose scope holds every city at larger scales; two
// data providers: a county's, and the city statistics bureau, which owns
// data items and so has a collection grid to fill in; two supervisory
// bodies, each granted on its own department: the city's 纪委监委 and
// 审计局, which record findings about the city's units). New sign-ins go
// at the end, so that the passwords of the others stay as they were.
var signIns = []signIn{
	{auth.RoleOffice, "kaoheban", "青州市委组织部考核办", "910100", "青州市"},
	{auth.RoleOffice, "sheng.kaoheban", "江南省委组织部考核办", "910000", "江南省"},
	{auth.RoleTeam, "kaohezu", "青州市考核组", "910100", "青州市"},
	{auth.RoleProvider, "tongji", "清河区统计局", "910102", "清河区"},
	{auth.RoleSupervisor, "jiwei", "青州市纪委监委", "910100-JWJW", "青州市纪委监委"},
	{auth.RoleCadre, "ganbu", "清河区区长", "910102", "清河区"},
	{auth.RoleViewer, "lingdao", "青州市领导", "910100", "青州市"},
	{auth.RoleProvider, "shi.tongji", "青州市统计局", "910100-TJJ", "青州市统计局"},
	{auth.RoleSupervisor, "shenji", "青州市审计局", "910100-SJJ", "青州市审计局"},
	{auth.RoleServiceReview, "haochaping", "清河区政务服务中心", "910102", "清河区"},
}

// passwordAlphabet leaves out look-alike characters (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// Logins returns the demo's sign-ins with the passwords the seed gives,
// without their unit and person IDs: what a build with this seed printed.
func Logins(seed uint64) []Login {
	r := (&builder{opts: Options{Seed: seed}}).rand("sign-ins")
	out := make([]Login, len(signIns))
	for i, s := range signIns {
		pw := make([]byte, 14)
		for k := range pw {
			pw[k] = passwordAlphabet[r.IntN(len(passwordAlphabet))]
		}
		out[i] = Login{Role: s.role, Login: s.login, Password: string(pw), Name: s.name, Scope: s.unitNm}
	}
	return out
}

// buildUsers adds the sign-ins through the auth service, each recorded in
// the audit log.
func buildUsers(ctx context.Context, b *builder) error {
	users := auth.NewService(b.d, auth.Policy{}, org.GrantUnits{})
	byCode := map[string]*org.Unit{}
	for _, u := range b.j.units {
		byCode[u.Code] = u
	}
	logins := Logins(b.opts.Seed)
	for i, s := range signIns {
		l := &logins[i]
		u := byCode[s.unitCode]
		if u == nil {
			return fmt.Errorf("sign-in %s: no unit %s", s.login, s.unitCode)
		}
		l.UnitID = u.ID
		if s.role == auth.RoleCadre {
			l.PersonID = b.c.login.person.ID
			l.Name = b.c.login.person.Name
		}
		_, err := users.AddUser(ctx, b.actor, auth.NewUser{
			Login: l.Login, Name: l.Name, Password: l.Password, PersonID: l.PersonID,
			Grants: []auth.Grant{{Role: s.role, UnitID: u.ID}},
		})
		if err != nil {
			return fmt.Errorf("sign-in %s: %w", s.login, err)
		}
	}
	b.sum.Logins = logins
	return nil
}
