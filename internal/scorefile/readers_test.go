package scorefile

import (
	"testing"

	"kaohe/internal/score"
)

func TestReadEntities(t *testing.T) {
	data := "entity,name,group,sanction\nE1,\"县委办公室,综合\",县直部门,\nE2, 城关镇 ,乡镇,是\n"
	got, err := readEntities("entities.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []score.Entity{
		{ID: "E1", Name: "县委办公室,综合", Group: "县直部门"},
		{ID: "E2", Name: "城关镇", Group: "乡镇", Sanction: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entities, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Name != want[i].Name || got[i].Group != want[i].Group || got[i].Sanction != want[i].Sanction {
			t.Errorf("entity %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadEntitiesErrors(t *testing.T) {
	const h = "entity,name,group\n"
	tests := []struct{ name, data, want string }{
		{"wrong header", "id,name,group\nE1,a,b\n", `entities.csv:1: header is "id,name,group", want "entity,name,group" or "entity,name,group,sanction"`},
		{"empty", "", `entities.csv:1: file is empty, want header "entity,name,group"`},
		{"no rows", h, `entities.csv:1: no entities after the header`},
		{"duplicate", h + "E1,甲,乡镇\nE2,乙,乡镇\nE1,丙,乡镇\n", `entities.csv:4: duplicate entity "E1" (first on line 2) (field entity)`},
		{"empty entity", h + ",甲,乡镇\n", `entities.csv:2: entity is empty (field entity)`},
		{"empty group", h + "E1,甲,\n", `entities.csv:2: group is empty (field group)`},
		{"field count", h + "E1,甲\n", `entities.csv:2: has 2 fields, want 3 (entity,name,group)`},
		{"bad sanction", "entity,name,group,sanction\nE1,甲,乡镇,maybe\n", `entities.csv:2: sanction "maybe" is not a yes/no value (true, false, 1, 0, 是, 否 or empty) (field sanction)`},
		{"bad quote", h + "E1,\"甲,乡镇\n", `entities.csv:2: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readEntities("entities.csv", []byte(tt.data))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

// ratedScheme has a scores indicator, a votes indicator and a deduction.
const ratedScheme = `{
  "indicators": [
    {"code": "D1", "weight": 1},
    {"code": "Q1", "parent": "D1", "kind": "qualitative", "weight": 1},
    {"code": "Q2", "parent": "D1", "kind": "qualitative", "weight": 1, "rating": {"source": "votes"}},
    {"code": "I1", "parent": "D1", "weight": 1},
    {"code": "DED", "kind": "deduction"},
    {"code": "V", "kind": "veto"}
  ],
  "rating": {
    "groups": [{"code": "上级", "weight": 0.5}, {"code": "同级", "weight": 0.5}],
    "grades": [{"grade": "优秀", "points": 100}, {"grade": "称职", "points": 80}]
  }
}`

func ratedFixture(t *testing.T) (*schemeFile, codes) {
	t.Helper()
	sf, err := parseScheme("scheme.json", []byte(ratedScheme))
	if err != nil {
		t.Fatal(err)
	}
	return sf, codes{"E1": 0, "E2": 1}
}

func TestReadRatings(t *testing.T) {
	sf, ents := ratedFixture(t)
	data := "entity,indicator,rater_group,score,grade,count\nE1,Q1,上级,88.5,,\nE1,Q2,同级,,优秀,3\n"
	got, err := readRatings("ratings.csv", []byte(data), sf, ents)
	if err != nil {
		t.Fatal(err)
	}
	want := []score.Rating{
		{Entity: "E1", Indicator: "Q1", Group: "上级", Score: 88.5},
		{Entity: "E1", Indicator: "Q2", Group: "同级", Grade: "优秀", Count: 3},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestReadRatingsErrors(t *testing.T) {
	const s = "entity,indicator,rater_group,score\n"
	const v = "entity,indicator,rater_group,grade,count\n"
	const f = "entity,indicator,rater_group,score,grade,count\n"
	tests := []struct{ name, data, want string }{
		{"wrong header", "entity,indicator,group,score\n", `ratings.csv:1: header is "entity,indicator,group,score", want "entity,indicator,rater_group,score" or "entity,indicator,rater_group,grade,count" or "entity,indicator,rater_group,score,grade,count"`},
		{"unknown entity", s + "E9,Q1,上级,80\n", `ratings.csv:2: unknown entity "E9" (not in the entities file) (field entity)`},
		{"unknown indicator", s + "E1,QX,上级,80\n", `ratings.csv:2: unknown indicator "QX" (not in the scheme) (field indicator)`},
		{"not qualitative", s + "E1,I1,上级,80\n", `ratings.csv:2: indicator "I1" is quantitative, not qualitative: only qualitative indicators take ratings (field indicator)`},
		{"unknown rater group", s + "E1,Q1,下级,80\n", `ratings.csv:2: unknown rater group "下级" (not in the scheme's rating.groups) (field rater_group)`},
		{"score not a number", s + "E1,Q1,上级,八十\n", `ratings.csv:2: score "八十" is not a number (field score)`},
		{"score for votes", s + "E1,Q2,上级,80\n", `ratings.csv:2: indicator "Q2" is rated from votes (rating.source), but this row gives a score (field indicator)`},
		{"votes for scores", v + "E1,Q1,上级,优秀,1\n", `ratings.csv:2: indicator "Q1" is rated from scores (rating.source), but this row gives votes (field indicator)`},
		{"unknown grade", v + "E1,Q2,上级,良好,1\n", `ratings.csv:2: unknown grade "良好" (not in the scheme's rating.grades) (field grade)`},
		{"bad count", v + "E1,Q2,上级,优秀,1.5\n", `ratings.csv:2: count "1.5" is not a whole number of votes (field count)`},
		{"negative count", v + "E1,Q2,上级,优秀,-1\n", `ratings.csv:2: count "-1" is not a whole number of votes (field count)`},
		{"both", f + "E1,Q2,上级,80,优秀,1\n", `ratings.csv:2: row has both a score and a grade or count: give one or the other (field score)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sf, ents := ratedFixture(t)
			_, err := readRatings("ratings.csv", []byte(tt.data), sf, ents)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestReadFindings(t *testing.T) {
	sf, ents := ratedFixture(t)
	data := "finding,entity,indicator,points,status,note\nF1,E1,DED,2,,\"超期, 未整改\"\nF2,E2,DED,1,voided,\nF3,E2,V,,active,事故\n"
	got, err := readFindings("findings.csv", []byte(data), sf, ents)
	if err != nil {
		t.Fatal(err)
	}
	want := []score.Finding{
		{ID: "F1", Entity: "E1", Indicator: "DED", Points: 2, Status: score.Active, Note: "超期, 未整改"},
		{ID: "F2", Entity: "E2", Indicator: "DED", Points: 1, Status: score.Voided},
		{ID: "F3", Entity: "E2", Indicator: "V", Status: score.Active, Note: "事故"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadFindingsErrors(t *testing.T) {
	const h = "finding,entity,indicator,points,status\n"
	tests := []struct{ name, data, want string }{
		{"wrong header", "id,entity,indicator,points,status\n", `findings.csv:1: header is "id,entity,indicator,points,status", want "finding,entity,indicator,points,status" or "finding,entity,indicator,points,status,note"`},
		{"duplicate", h + "F1,E1,DED,1,\nF1,E2,DED,1,\n", `findings.csv:3: duplicate finding "F1" (first on line 2) (field finding)`},
		{"unknown entity", h + "F1,E9,DED,1,\n", `findings.csv:2: unknown entity "E9" (not in the entities file) (field entity)`},
		{"unknown indicator", h + "F1,E1,XX,1,\n", `findings.csv:2: unknown indicator "XX" (not in the scheme) (field indicator)`},
		{"wrong kind", h + "F1,E1,I1,1,\n", `findings.csv:2: indicator "I1" is quantitative: findings go to bonus, deduction or veto indicators (field indicator)`},
		{"bad points", h + "F1,E1,DED,two,\n", `findings.csv:2: points "two" is not a number (field points)`},
		{"negative points", h + "F1,E1,DED,-2,\n", `findings.csv:2: points "-2" is negative: give points as a positive number (field points)`},
		{"bad status", h + "F1,E1,DED,2,容错\n", `findings.csv:2: status "容错" is not active, exempted or voided (field status)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sf, ents := ratedFixture(t)
			_, err := readFindings("findings.csv", []byte(tt.data), sf, ents)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}
