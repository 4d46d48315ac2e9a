package api

import (
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/org"
)

// The API's own types: what clients receive. Converting from the domain
// types here keeps the API stable while the tables change. IDs are strings,
// since JavaScript numbers lose precision above 2^53.

// Unit is a unit of the jurisdiction tree.
type Unit struct {
	ID string `json:"id"`
	// ParentID is "" for a top unit.
	ParentID string `json:"parent_id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	// Kind is "region" or "department".
	Kind string `json:"kind"`
	// Level is "province", "city", "county" or "township".
	Level string `json:"level"`
	// CategoryID is "" when the unit has no category.
	CategoryID string `json:"category_id"`
}

// UnitList is a page of units.
type UnitList struct {
	Units []Unit `json:"units"`
	// Total counts every match, beyond this page too.
	Total int `json:"total"`
}

// Cadre is a person with the current primary post.
type Cadre struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Gender    string `json:"gender"`
	BirthDate string `json:"birth_date"`
	Ethnicity string `json:"ethnicity"`
	Party     string `json:"party"`
	Education string `json:"education"`
	// UnitID is the unit the cadre is placed in (that of the primary post).
	UnitID   string `json:"unit_id"`
	UnitName string `json:"unit_name"`
	// Title and Rank are those of the current primary post, "" when none.
	Title string `json:"title"`
	Rank  string `json:"rank"`
	// Posts is the post history, newest first; only on a single cadre.
	Posts []Post `json:"posts,omitempty"`
}

// CadreList is a page of cadres.
type CadreList struct {
	Cadres []Cadre `json:"cadres"`
	Total  int     `json:"total"`
}

// Post is a post a cadre holds or held.
type Post struct {
	ID         string `json:"id"`
	UnitID     string `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	Title      string `json:"title"`
	Rank       string `json:"rank"`
	Team       bool   `json:"team"`
	Concurrent bool   `json:"concurrent"`
	// Start and End are dates "YYYY-MM-DD"; End is "" while the post is held.
	Start string `json:"start"`
	End   string `json:"end"`
}

// User is an account with its grants.
type User struct {
	ID     string  `json:"id"`
	Login  string  `json:"login"`
	Name   string  `json:"name"`
	Lang   string  `json:"lang"`
	Grants []Grant `json:"grants"`
	// Disabled marks a stopped account; DisabledReason says why.
	Disabled       bool   `json:"disabled"`
	DisabledReason string `json:"disabled_reason,omitempty"`
}

// Grant is a role in a unit's subtree.
type Grant struct {
	Role   string `json:"role"`
	UnitID string `json:"unit_id"`
}

// UserList lists users.
type UserList struct {
	Users []User `json:"users"`
}

// Me is the signed-in actor.
type Me struct {
	ID     string  `json:"id"`
	Login  string  `json:"login"`
	Name   string  `json:"name"`
	Lang   string  `json:"lang"`
	Grants []Grant `json:"grants"`
}

func id(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func toUnit(u *org.Unit) Unit {
	return Unit{
		ID: id(u.ID), ParentID: id(u.ParentID), Code: u.Code, Name: u.Name,
		Kind: string(u.Kind), Level: string(u.Level), CategoryID: id(u.CategoryID),
	}
}

func toUnits(us []*org.Unit) []Unit {
	out := make([]Unit, len(us))
	for i, u := range us {
		out[i] = toUnit(u)
	}
	return out
}

func toCadre(p *org.Person) Cadre {
	c := Cadre{
		ID: id(p.ID), Name: p.Name, Gender: string(p.Gender), BirthDate: p.BirthDate,
		Ethnicity: p.Ethnicity, Party: string(p.Party), Education: string(p.Education),
		UnitID: id(p.UnitID), UnitName: p.UnitName, Title: p.Title, Rank: string(p.Rank),
	}
	for _, po := range p.Posts {
		c.Posts = append(c.Posts, Post{
			ID: id(po.ID), UnitID: id(po.UnitID), UnitName: po.UnitName, Title: po.Title, Rank: string(po.Rank),
			Team: po.Team, Concurrent: po.Concurrent, Start: po.Start, End: po.End,
		})
	}
	return c
}

func toGrants(gs []auth.Grant) []Grant {
	out := make([]Grant, len(gs))
	for i, g := range gs {
		out[i] = Grant{Role: string(g.Role), UnitID: id(g.UnitID)}
	}
	return out
}

func toUser(u auth.User) User {
	return User{ID: id(u.ID), Login: u.Login, Name: u.Name, Lang: u.Lang, Grants: toGrants(u.Grants),
		Disabled: u.Disabled(), DisabledReason: u.DisabledReason}
}
