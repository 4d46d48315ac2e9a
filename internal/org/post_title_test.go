package org_test

import (
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
)

func TestCurrentTitle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		p := tr.personA
		// A concurrent post in the town, earlier in protocol order than a
		// second one there; and a past post in the town that ended.
		must[*org.Post](t)(tr.s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.townA.ID, Title: "街道办事处主任",
			Rank: org.RankSection, Start: "2019-01-01", End: "2023-03-01"}))
		must[*org.Post](t)(tr.s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.townA.ID, Title: "街道党工委委员",
			Rank: org.RankDivision, Concurrent: true, Sort: 2, Start: "2023-06-01"}))
		must[*org.Post](t)(tr.s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.townA.ID, Title: "街道党工委第一书记",
			Rank: org.RankDivision, Concurrent: true, Sort: 1, Start: "2023-06-01"}))
		tests := []struct {
			name           string
			person, unitID int64
			want           string
		}{
			{"the primary post", p.ID, tr.countyA.ID, "区委书记"},
			{"the first of two in protocol order, not the ended one", p.ID, tr.townA.ID, "街道党工委第一书记"},
			{"no post in the unit", p.ID, tr.countyB.ID, ""},
			{"another person's unit", tr.personB.ID, tr.countyB.ID, "县委书记"},
			{"no such person", 12345, tr.countyA.ID, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got string
				err := d.View(ctx, func(tx *db.Tx) (err error) {
					got, err = org.CurrentTitle(ctx, tx, tt.person, tt.unitID)
					return err
				})
				if err != nil || got != tt.want {
					t.Errorf("got %q, %v; want %q", got, err, tt.want)
				}
			})
		}
	})
}
