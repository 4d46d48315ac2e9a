package track_test

import (
	"context"
	"slices"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/track"
)

// TestOpenOfPost lists what 张三 hands over with 甲县's post on
// 2025-07-01: the team's commitment and her own not yet verified (not the
// verified one, not 王五's of 丙县), the county's project of the past year
// once, by its latest entry, and her 潜绩 still to revisit (not an older
// project, not a revisited one), and the county's open alert (not 丙县's).
func TestOpenOfPost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office, cadre, team := f.actors["office"], f.actors["cadre"], f.actors["team"]
		county, zhang := f.units["910102"].ID, f.people["张三"].ID
		teamC := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.teamDraft()))
		own := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.cadreDraft()))
		done := f.cadreDraft()
		done.Title = "完成县域医共体建设"
		verified := must[*track.Commitment](t)(f.svc.File(ctx, cadre, done))
		must[*track.Commitment](t)(f.svc.Approve(ctx, office, verified.ID, "同意"))
		must[*track.Report](t)(f.svc.Prove(ctx, cadre, verified.ID, "医共体已挂牌运行", "", nil))
		must[*track.Commitment](t)(f.svc.Verify(ctx, team, verified.ID, track.Done, "实地核实"))
		other := f.cadreDraft()
		other.UnitID, other.PersonID = f.units["910103"].ID, f.people["王五"].ID
		must[*track.Commitment](t)(f.svc.File(ctx, f.actors["wang"], other))

		es := must[[]*track.Entry](t)(f.svc.AddEntries(ctx, cadre, []track.EntryDraft{
			{UnitID: county, Day: "2025-01-20", Kind: "project", Title: "新能源装备产业园一期开工", Milestone: "完成备案"},
			{UnitID: county, Day: "2025-03-02", Kind: "project", Title: "新能源装备产业园一期开工", Milestone: "土建开工"},
			{UnitID: county, Day: "2024-03-02", Kind: "project", Title: "老城区管网改造"},
			{UnitID: county, PersonID: zhang, Day: "2025-04-10", Kind: "task", Title: "推动高标准农田土壤改良", Latent: true, RevisitOn: "2027-04-10"},
			{UnitID: county, PersonID: zhang, Day: "2024-04-10", Kind: "task", Title: "荒山造林", Latent: true, RevisitOn: "2025-04-10"},
		}))

		f.submit(t, "910102", "IND_VALUE", map[string]float64{"2025-01": 10, "2025-02": 12})
		must[*track.Monitor](t)(f.svc.SetMonitor(ctx, office, track.MonitorDraft{UnitID: county, ItemCode: "IND_VALUE",
			Year: 2025, Method: track.Linear, Target: "120"}))
		f.submit(t, "910103", "IND_VALUE", map[string]float64{"2025-01": 1, "2025-02": 2})
		must[*track.Monitor](t)(f.svc.SetMonitor(ctx, office, track.MonitorDraft{UnitID: f.units["910103"].ID, ItemCode: "IND_VALUE",
			Year: 2025, Method: track.Linear, Target: "120"}))
		alerts := must[[]*track.Alert](t)(f.svc.Alerts(ctx, office, track.AlertFilter{UnitID: county, Open: true}))
		if len(alerts) != 1 {
			t.Fatalf("甲县's open alerts: %d, want 1", len(alerts))
		}

		var got []track.OpenItem
		if err := d.View(ctx, func(tx *db.Tx) error {
			var err error
			got, err = track.OpenOfPost(ctx, tx, county, zhang, "2025-07-01")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		type item struct{ kind, title, detail string }
		var items []item
		for _, it := range got {
			items = append(items, item{it.Kind, it.Title, it.Detail})
			if it.Kind == track.OpenLedger && it.Detail == "project" && it.ID != es[1].ID {
				t.Errorf("the project is handed over as its entry of %s, want its latest", it.Since)
			}
		}
		want := []item{
			{track.OpenCommitment, teamC.Title, "economy"},
			{track.OpenCommitment, own.Title, "governance"},
			{track.OpenLedger, es[1].Title, "project"},
			{track.OpenLedger, es[3].Title, "task"},
			{track.OpenAlert, "规上工业增加值", "2025-02"},
		}
		if !slices.Equal(items, want) {
			t.Errorf("open items:\n got %v\nwant %v", items, want)
		}
	})
}
