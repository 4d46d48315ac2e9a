package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
)

// BenchmarkCollectGrid renders the collection grid of a department with
// 20 items over 500 townships, every cell filled: GET /collect as its
// provider, through the whole server (session, policy, queries, template).
func BenchmarkCollectGrid(b *testing.B) {
	d := dbtest.SQLite(b)
	ctx := context.Background()
	sys := auth.SystemActor("bench")
	orgs := org.NewService(d, auth.Policy{})
	unit := func(parent *org.Unit, code, name string, kind org.Kind, level org.Level) *org.Unit {
		u := org.Unit{Code: code, Name: name, Kind: kind, Level: level}
		if parent != nil {
			u.ParentID = parent.ID
		}
		got, err := orgs.CreateUnit(ctx, sys, u)
		if err != nil {
			b.Fatal(err)
		}
		return got
	}
	province := unit(nil, "330000", "浙江省", org.KindRegion, org.LevelProvince)
	city := unit(province, "330100", "甲市", org.KindRegion, org.LevelCity)
	tjj := unit(city, "330100-TJJ", "甲市统计局", org.KindDepartment, org.LevelCity)
	county := unit(city, "330102", "甲县", org.KindRegion, org.LevelCounty)
	var units []*org.Unit
	for i := 0; i < 500; i++ {
		id := db.NewID()
		units = append(units, &org.Unit{ID: id, ParentID: county.ID, Path: fmt.Sprintf("%s%d/", county.Path, id),
			Code: fmt.Sprintf("330102%06d", i+1), Name: fmt.Sprintf("第%d镇", i+1), Kind: org.KindRegion, Level: org.LevelTownship})
	}
	var items []*collect.Item
	for j := 0; j < 20; j++ {
		items = append(items, &collect.Item{ID: db.NewID(), Code: fmt.Sprintf("T%02d", j+1), Name: fmt.Sprintf("乡镇指标%d", j+1),
			Measure: "万元", OwnerID: tjj.ID, Frequency: collect.Annual, Type: collect.TypeNumber,
			EntityKind: collect.EntityUnit, UnitKind: org.KindRegion, UnitLevel: org.LevelTownship})
	}
	if err := d.InTx(ctx, func(tx *db.Tx) error {
		if err := org.InsertUnits(ctx, tx, units); err != nil {
			return err
		}
		return collect.InsertItems(ctx, tx, items)
	}); err != nil {
		b.Fatal(err)
	}
	var rows []collect.Row
	for _, u := range units {
		for _, it := range items {
			rows = append(rows, collect.Row{Line: len(rows) + 1, Entity: u.Code, Item: it.Code, Period: "2025", Value: fmt.Sprint(len(rows) % 977)})
		}
	}
	if _, err := collect.NewService(d, auth.Policy{}).Submit(ctx, sys, collect.Batch{Source: collect.SourceAPI, Rows: rows}); err != nil {
		b.Fatal(err)
	}
	if _, err := auth.NewService(d, auth.Policy{}, org.GrantUnits{}).AddUser(ctx, sys, auth.NewUser{Login: "tongji", Name: "统计局", Password: password,
		Grants: []auth.Grant{{Role: auth.RoleProvider, UnitID: tjj.ID}}}); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/signin", strings.NewReader(url.Values{"login": {"tongji"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v %v", err, res)
	}
	res.Body.Close()
	path := fmt.Sprintf("%s/collect?owner=%d&period=2025", ts.URL, tjj.ID)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := c.Get(path)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(body) < 500*20*40 {
			b.Fatalf("grid: %d, %d bytes", res.StatusCode, len(body))
		}
	}
}
