package auth

import (
	"slices"
	"testing"

	"kaohe/internal/errs"
)

// The tree of the policy tests: a city with two counties, one with a township.
const (
	city     = "/1/2/"
	county   = "/1/2/3/"
	township = "/1/2/3/5/"
	sibling  = "/1/2/4/"
)

// An object of the policy table: a unit, or a person with the units of its posts.
type object struct {
	name   string
	person int64
	paths  []string
}

// The objects, in the order of the letters of policyWant. Every actor holds
// its grant in county and is person 77.
var objects = []object{
	{"own unit", 0, []string{county}},
	{"sub-unit", 0, []string{township}},
	{"out of scope", 0, []string{sibling}},
	{"own person", 77, []string{county}},
	{"other person in unit", 88, []string{county}},
	{"person out of scope", 99, []string{sibling}},
}

// policyWant is the expected answer per role and action for each object:
// y allowed, f Forbidden, n NotFound. Written out by hand, not derived from
// the matrix, so that a change to the matrix shows here.
var policyWant = map[Role]map[Action]string{
	RoleOffice: {
		ActUnitRead: "yyn yyn", ActUnitWrite: "yyn yyn", ActPersonRead: "yyn yyn",
		ActTeamRead: "yyn yyn", ActPersonWrite: "yyn yyn", ActUserManage: "yyn yyn", ActAuditRead: "yyn yyn",
		ActSchemeRead: "yyn yyn", ActSchemeWrite: "yyn yyn",
		ActItemWrite: "yyn yyn", ActValueSubmit: "yyn yyn", ActValueRead: "yyn yyn",
		ActValueVerify: "yyn yyn", ActCollectStatus: "yyn yyn",
		ActEvalManage: "yyn yyn", ActEvalResults: "yyn yyn",
		ActCycleRead: "yyn yyn", ActCycleManage: "yyn yyn", ActResultApprove: "yyn yyn",
		ActResultRead: "yyn yyn", ActTeamResultRead: "yyn yyn",
		ActFieldRead: "yyn yyn", ActFieldWrite: "ffn ffn", ActInterviewRead: "yyn yyn", ActValueCorrect: "ffn ffn",
		ActFindingWrite: "ffn ffn", ActFindingRead: "yyn yyn",
		ActExemptionApply: "yyn yyn", ActExemptionReview: "yyn yyn", ActFindingClarify: "yyn yyn",
		ActSanctionWrite: "yyn yyn", ActSanctionRead: "yyn yyn",
		ActOutcomeRead: "yyn yyn", ActOutcomeDecide: "yyn yyn", ActHandoverSign: "ffn ffn",
		ActCommitmentRead: "yyn yyn", ActCommitmentWrite: "yyn yyn", ActTeamCommitmentWrite: "yyn yyn", ActCommitmentReview: "yyn yyn", ActCommitmentVerify: "ffn ffn", ActLedgerRead: "yyn yyn", ActLedgerWrite: "yyn yyn", ActMonitorRead: "yyn yyn", ActMonitorWrite: "yyn yyn", ActSelfAssess: "ffn ffn", ActSelfAssessRead: "yyn yyn",
		ActServiceWrite: "yyn yyn", ActServiceRead: "yyn yyn", ActServiceDecide: "yyn yyn",
		ActFeedbackRead: "yyn yyn", ActTeamFeedbackRead: "yyn yyn", ActFeedbackDraft: "yyn yyn", ActFeedbackRelease: "yyn yyn", ActAppealFile: "ffn ffn", ActTeamAppealFile: "ffn ffn",
	},
	RoleTeam: {
		ActUnitRead: "yyn yyn", ActUnitWrite: "ffn ffn", ActPersonRead: "yyn yyn",
		ActTeamRead: "yyn yyn", ActPersonWrite: "ffn ffn", ActUserManage: "nnn nnn", ActAuditRead: "ffn ffn",
		ActSchemeRead: "yyn yyn", ActSchemeWrite: "ffn ffn",
		ActItemWrite: "nnn nnn", ActValueSubmit: "nnn nnn", ActValueRead: "yyn yyn",
		ActValueVerify: "ffn ffn", ActCollectStatus: "ffn ffn",
		ActEvalManage: "ffn ffn", ActEvalResults: "yyn yyn",
		ActCycleRead: "yyn yyn", ActCycleManage: "ffn ffn", ActResultApprove: "ffn ffn",
		ActResultRead: "yyn yyn", ActTeamResultRead: "yyn yyn",
		ActFieldRead: "yyn yyn", ActFieldWrite: "yyn yyn", ActInterviewRead: "yyn yyn", ActValueCorrect: "yyn yyn",
		ActFindingWrite: "nnn nnn", ActFindingRead: "nnn nnn",
		ActExemptionApply: "nnn nnn", ActExemptionReview: "nnn nnn", ActFindingClarify: "nnn nnn",
		ActSanctionWrite: "nnn nnn", ActSanctionRead: "nnn nnn",
		ActOutcomeRead: "nnn nnn", ActOutcomeDecide: "nnn nnn", ActHandoverSign: "nnn nnn",
		ActCommitmentRead: "yyn yyn", ActCommitmentWrite: "ffn ffn", ActTeamCommitmentWrite: "ffn ffn", ActCommitmentReview: "ffn ffn", ActCommitmentVerify: "yyn yyn", ActLedgerRead: "yyn yyn", ActLedgerWrite: "ffn ffn", ActMonitorRead: "yyn yyn", ActMonitorWrite: "ffn ffn", ActSelfAssess: "ffn ffn", ActSelfAssessRead: "yyn yyn",
		ActServiceWrite: "nnn nnn", ActServiceRead: "nnn nnn", ActServiceDecide: "nnn nnn",
		ActFeedbackRead: "ffn ffn", ActTeamFeedbackRead: "ffn ffn", ActFeedbackDraft: "yyn yyn", ActFeedbackRelease: "ffn ffn", ActAppealFile: "ffn ffn", ActTeamAppealFile: "ffn ffn",
	},
	RoleProvider: {
		ActUnitRead: "yyn yyn", ActUnitWrite: "ffn ffn", ActPersonRead: "nnn nnn",
		ActTeamRead: "nnn nnn", ActPersonWrite: "nnn nnn", ActUserManage: "nnn nnn", ActAuditRead: "ffn ffn",
		ActSchemeRead: "nnn nnn", ActSchemeWrite: "nnn nnn",
		ActItemWrite: "ffn ffn", ActValueSubmit: "yyn yyn", ActValueRead: "nnn nnn",
		ActValueVerify: "nnn nnn", ActCollectStatus: "ffn ffn",
		ActEvalManage: "nnn nnn", ActEvalResults: "nnn nnn",
		ActCycleRead: "nnn nnn", ActCycleManage: "nnn nnn", ActResultApprove: "nnn nnn",
		ActResultRead: "nnn nnn", ActTeamResultRead: "nnn nnn",
		ActFieldRead: "nnn nnn", ActFieldWrite: "nnn nnn", ActInterviewRead: "nnn nnn", ActValueCorrect: "nnn nnn",
		ActFindingWrite: "nnn nnn", ActFindingRead: "nnn nnn",
		ActExemptionApply: "nnn nnn", ActExemptionReview: "nnn nnn", ActFindingClarify: "nnn nnn",
		ActSanctionWrite: "nnn nnn", ActSanctionRead: "nnn nnn",
		ActOutcomeRead: "nnn nnn", ActOutcomeDecide: "nnn nnn", ActHandoverSign: "nnn nnn",
		ActCommitmentRead: "yyn yyn", ActCommitmentWrite: "ffn ffn", ActTeamCommitmentWrite: "ffn ffn", ActCommitmentReview: "ffn ffn", ActCommitmentVerify: "ffn ffn", ActLedgerRead: "nnn nnn", ActLedgerWrite: "nnn nnn", ActMonitorRead: "nnn nnn", ActMonitorWrite: "nnn nnn", ActSelfAssess: "nnn nnn", ActSelfAssessRead: "nnn nnn",
		ActServiceWrite: "nnn nnn", ActServiceRead: "nnn nnn", ActServiceDecide: "nnn nnn",
		ActFeedbackRead: "nnn nnn", ActTeamFeedbackRead: "nnn nnn", ActFeedbackDraft: "nnn nnn", ActFeedbackRelease: "nnn nnn", ActAppealFile: "nnn nnn", ActTeamAppealFile: "nnn nnn",
	},
	RoleSupervisor: {
		ActUnitRead: "yyn yyn", ActUnitWrite: "ffn ffn", ActPersonRead: "yyn yyn",
		ActTeamRead: "yyn yyn", ActPersonWrite: "ffn ffn", ActUserManage: "nnn nnn", ActAuditRead: "ffn ffn",
		ActSchemeRead: "nnn nnn", ActSchemeWrite: "nnn nnn",
		ActItemWrite: "nnn nnn", ActValueSubmit: "nnn nnn", ActValueRead: "nnn nnn",
		ActValueVerify: "nnn nnn", ActCollectStatus: "ffn ffn",
		ActEvalManage: "nnn nnn", ActEvalResults: "nnn nnn",
		ActCycleRead: "nnn nnn", ActCycleManage: "nnn nnn", ActResultApprove: "nnn nnn",
		ActResultRead: "nnn nnn", ActTeamResultRead: "nnn nnn",
		ActFieldRead: "nnn nnn", ActFieldWrite: "nnn nnn", ActInterviewRead: "nnn nnn", ActValueCorrect: "nnn nnn",
		ActFindingWrite: "yyn yyn", ActFindingRead: "ffn ffn",
		ActExemptionApply: "ffn ffn", ActExemptionReview: "ffn ffn", ActFindingClarify: "ffn ffn",
		ActSanctionWrite: "nnn nnn", ActSanctionRead: "nnn nnn",
		ActOutcomeRead: "nnn nnn", ActOutcomeDecide: "nnn nnn", ActHandoverSign: "nnn nnn",
		ActCommitmentRead: "yyn yyn", ActCommitmentWrite: "ffn ffn", ActTeamCommitmentWrite: "ffn ffn", ActCommitmentReview: "ffn ffn", ActCommitmentVerify: "ffn ffn", ActLedgerRead: "nnn nnn", ActLedgerWrite: "nnn nnn", ActMonitorRead: "nnn nnn", ActMonitorWrite: "nnn nnn", ActSelfAssess: "nnn nnn", ActSelfAssessRead: "nnn nnn",
		ActServiceWrite: "nnn nnn", ActServiceRead: "nnn nnn", ActServiceDecide: "nnn nnn",
		ActFeedbackRead: "nnn nnn", ActTeamFeedbackRead: "nnn nnn", ActFeedbackDraft: "nnn nnn", ActFeedbackRelease: "nnn nnn", ActAppealFile: "nnn nnn", ActTeamAppealFile: "nnn nnn",
	},
	RoleCadre: {
		ActUnitRead: "ynn yyn", ActUnitWrite: "fnn ffn", ActPersonRead: "nnn ynn",
		ActTeamRead: "ynn yyn", ActPersonWrite: "nnn fnn", ActUserManage: "nnn nnn", ActAuditRead: "fnn ffn",
		ActSchemeRead: "nnn nnn", ActSchemeWrite: "nnn nnn",
		ActItemWrite: "nnn nnn", ActValueSubmit: "nnn nnn", ActValueRead: "ynn yyn",
		ActValueVerify: "fnn ffn", ActCollectStatus: "fnn ffn",
		ActEvalManage: "nnn nnn", ActEvalResults: "nnn nnn",
		ActCycleRead: "nnn nnn", ActCycleManage: "nnn nnn", ActResultApprove: "nnn nnn",
		ActResultRead: "fnn yfn", ActTeamResultRead: "ynn yyn",
		ActFieldRead: "nnn nnn", ActFieldWrite: "nnn nnn", ActInterviewRead: "nnn nnn", ActValueCorrect: "fnn ffn",
		ActFindingWrite: "nnn fnn", ActFindingRead: "nnn ynn",
		ActExemptionApply: "nnn ynn", ActExemptionReview: "nnn fnn", ActFindingClarify: "nnn fnn",
		ActSanctionWrite: "nnn fnn", ActSanctionRead: "nnn ynn",
		ActOutcomeRead: "nnn ynn", ActOutcomeDecide: "nnn fnn", ActHandoverSign: "nnn ynn",
		ActCommitmentRead: "ynn yyn", ActCommitmentWrite: "fnn yfn", ActTeamCommitmentWrite: "ynn yyn", ActCommitmentReview: "fnn ffn", ActCommitmentVerify: "fnn ffn", ActLedgerRead: "ynn yyn", ActLedgerWrite: "ynn yyn", ActMonitorRead: "ynn yyn", ActMonitorWrite: "fnn ffn", ActSelfAssess: "nnn ynn", ActSelfAssessRead: "nnn ynn",
		ActServiceWrite: "nnn nnn", ActServiceRead: "nnn nnn", ActServiceDecide: "nnn nnn",
		ActFeedbackRead: "fnn yfn", ActTeamFeedbackRead: "ynn yyn", ActFeedbackDraft: "fnn ffn", ActFeedbackRelease: "fnn ffn", ActAppealFile: "fnn yfn", ActTeamAppealFile: "ynn yyn",
	},
	RoleViewer: {
		ActUnitRead: "yyn yyn", ActUnitWrite: "ffn ffn", ActPersonRead: "yyn yyn",
		ActTeamRead: "yyn yyn", ActPersonWrite: "ffn ffn", ActUserManage: "nnn nnn", ActAuditRead: "ffn ffn",
		ActSchemeRead: "yyn yyn", ActSchemeWrite: "ffn ffn",
		ActItemWrite: "nnn nnn", ActValueSubmit: "nnn nnn", ActValueRead: "yyn yyn",
		ActValueVerify: "ffn ffn", ActCollectStatus: "yyn yyn",
		ActEvalManage: "ffn ffn", ActEvalResults: "yyn yyn",
		ActCycleRead: "yyn yyn", ActCycleManage: "ffn ffn", ActResultApprove: "ffn ffn",
		ActResultRead: "yyn yyn", ActTeamResultRead: "yyn yyn",
		ActFieldRead: "yyn yyn", ActFieldWrite: "ffn ffn", ActInterviewRead: "ffn ffn", ActValueCorrect: "ffn ffn",
		ActFindingWrite: "nnn nnn", ActFindingRead: "nnn nnn",
		ActExemptionApply: "nnn nnn", ActExemptionReview: "nnn nnn", ActFindingClarify: "nnn nnn",
		ActSanctionWrite: "nnn nnn", ActSanctionRead: "nnn nnn",
		ActOutcomeRead: "yyn yyn", ActOutcomeDecide: "ffn ffn", ActHandoverSign: "ffn ffn",
		ActCommitmentRead: "yyn yyn", ActCommitmentWrite: "ffn ffn", ActTeamCommitmentWrite: "ffn ffn", ActCommitmentReview: "ffn ffn", ActCommitmentVerify: "ffn ffn", ActLedgerRead: "yyn yyn", ActLedgerWrite: "ffn ffn", ActMonitorRead: "yyn yyn", ActMonitorWrite: "ffn ffn", ActSelfAssess: "nnn nnn", ActSelfAssessRead: "nnn nnn",
		ActServiceWrite: "ffn ffn", ActServiceRead: "yyn yyn", ActServiceDecide: "ffn ffn",
		ActFeedbackRead: "nnn nnn", ActTeamFeedbackRead: "nnn nnn", ActFeedbackDraft: "nnn nnn", ActFeedbackRelease: "nnn nnn", ActAppealFile: "nnn nnn", ActTeamAppealFile: "nnn nnn",
	},
	RoleServiceReview: {
		ActUnitRead: "yyn yyn", ActUnitWrite: "ffn ffn", ActPersonRead: "nnn nnn",
		ActTeamRead: "nnn nnn", ActPersonWrite: "nnn nnn", ActUserManage: "nnn nnn", ActAuditRead: "ffn ffn",
		ActSchemeRead: "nnn nnn", ActSchemeWrite: "nnn nnn",
		ActItemWrite: "nnn nnn", ActValueSubmit: "nnn nnn", ActValueRead: "nnn nnn",
		ActValueVerify: "nnn nnn", ActCollectStatus: "ffn ffn",
		ActEvalManage: "nnn nnn", ActEvalResults: "nnn nnn",
		ActCycleRead: "nnn nnn", ActCycleManage: "nnn nnn", ActResultApprove: "nnn nnn",
		ActResultRead: "nnn nnn", ActTeamResultRead: "nnn nnn",
		ActFieldRead: "nnn nnn", ActFieldWrite: "nnn nnn", ActInterviewRead: "nnn nnn", ActValueCorrect: "nnn nnn",
		ActFindingWrite: "nnn nnn", ActFindingRead: "nnn nnn",
		ActExemptionApply: "nnn nnn", ActExemptionReview: "nnn nnn", ActFindingClarify: "nnn nnn",
		ActSanctionWrite: "nnn nnn", ActSanctionRead: "nnn nnn",
		ActOutcomeRead: "nnn nnn", ActOutcomeDecide: "nnn nnn", ActHandoverSign: "nnn nnn",
		ActCommitmentRead: "nnn nnn", ActCommitmentWrite: "nnn nnn", ActTeamCommitmentWrite: "nnn nnn", ActCommitmentReview: "nnn nnn", ActCommitmentVerify: "nnn nnn", ActLedgerRead: "nnn nnn", ActLedgerWrite: "nnn nnn", ActMonitorRead: "nnn nnn", ActMonitorWrite: "nnn nnn", ActSelfAssess: "nnn nnn", ActSelfAssessRead: "nnn nnn",
		ActServiceWrite: "yyn yyn", ActServiceRead: "yyn yyn", ActServiceDecide: "ffn ffn",
		ActFeedbackRead: "nnn nnn", ActTeamFeedbackRead: "nnn nnn", ActFeedbackDraft: "nnn nnn", ActFeedbackRelease: "nnn nnn", ActAppealFile: "nnn nnn", ActTeamAppealFile: "nnn nnn",
	},
}

func answer(err error) byte {
	switch {
	case err == nil:
		return 'y'
	case errs.Is(err, errs.Forbidden):
		return 'f'
	case errs.Is(err, errs.NotFound):
		return 'n'
	}
	return '?'
}

func TestPolicyTable(t *testing.T) {
	var pol Policy
	if len(policyWant) != len(Roles) {
		t.Fatalf("policy table covers %d roles, want all %d", len(policyWant), len(Roles))
	}
	for _, role := range Roles {
		if len(policyWant[role]) != len(Actions()) {
			t.Fatalf("%s: table covers %d actions, want all %d", role, len(policyWant[role]), len(Actions()))
		}
		a := &Actor{UserID: 1, Login: "u", PersonID: 77, Grants: []Grant{{Role: role, UnitID: 3, UnitPath: county}}}
		for _, action := range Actions() {
			want := []byte(policyWant[role][action])
			want = slices.Delete(want, 3, 4) // the space
			for i, o := range objects {
				t.Run(string(role)+"/"+string(action)+"/"+o.name, func(t *testing.T) {
					var err error
					if o.person == 0 {
						err = pol.Authorize(a, action, o.paths[0])
					} else {
						err = pol.AuthorizePerson(a, action, o.person, o.paths)
					}
					if got := answer(err); got != want[i] {
						t.Errorf("got %c (%v), want %c", got, err, want[i])
					}
				})
			}
		}
	}
}

func TestPolicySpecialActors(t *testing.T) {
	var pol Policy
	for _, action := range Actions() {
		if err := pol.Authorize(nil, action, county); !errs.Is(err, errs.Unauthorized) {
			t.Errorf("nil actor %s: got %v, want Unauthorized", action, err)
		}
		if err := pol.Authorize(SystemActor("test"), action, sibling); err != nil {
			t.Errorf("system %s: got %v, want nil", action, err)
		}
		noGrants := &Actor{UserID: 5, Login: "nobody"}
		if err := pol.Authorize(noGrants, action, county); !errs.Is(err, errs.NotFound) {
			t.Errorf("actor without grants %s: got %v, want NotFound", action, err)
		}
	}
	// A cadre sees its own person even after moving out of its granted unit.
	moved := &Actor{UserID: 1, PersonID: 77, Grants: []Grant{{Role: RoleCadre, UnitID: 3, UnitPath: county}}}
	if err := pol.AuthorizePerson(moved, ActPersonRead, 77, []string{sibling}); err != nil {
		t.Errorf("cadre reading itself elsewhere: got %v, want nil", err)
	}
	if err := pol.AuthorizePerson(moved, ActPersonWrite, 77, []string{sibling}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("cadre writing itself: got %v, want Forbidden", err)
	}
	// Person 0 is nobody, not the own person of an actor without one.
	noPerson := &Actor{UserID: 1, Grants: []Grant{{Role: RoleCadre, UnitID: 4, UnitPath: sibling}}}
	if err := pol.AuthorizePerson(noPerson, ActPersonRead, 0, []string{county}); !errs.Is(err, errs.NotFound) {
		t.Errorf("person 0: got %v, want NotFound", err)
	}
	// Several grants: the one that allows wins, wherever it is.
	multi := &Actor{UserID: 1, Grants: []Grant{
		{Role: RoleViewer, UnitID: 2, UnitPath: city},
		{Role: RoleOffice, UnitID: 4, UnitPath: sibling},
	}}
	for path, want := range map[string]byte{sibling: 'y', county: 'f', "/1/9/": 'n'} {
		if got := answer(pol.Authorize(multi, ActUnitWrite, path)); got != want {
			t.Errorf("viewer of city and office of sibling writing %s: got %c, want %c", path, got, want)
		}
	}
	// A path that merely shares a prefix of digits is not in the subtree.
	office := &Actor{UserID: 1, Grants: []Grant{{Role: RoleOffice, UnitID: 3, UnitPath: county}}}
	if err := pol.Authorize(office, ActUnitRead, "/1/2/33/"); !errs.Is(err, errs.NotFound) {
		t.Errorf("/1/2/33/ under /1/2/3/: got %v, want NotFound", err)
	}
}

func TestPolicyScope(t *testing.T) {
	var pol Policy
	office := &Actor{UserID: 1, PersonID: 7, Grants: []Grant{
		{Role: RoleOffice, UnitID: 3, UnitPath: county},
		{Role: RoleOffice, UnitID: 2, UnitPath: city},
		{Role: RoleOffice, UnitID: 2, UnitPath: city},
		{Role: RoleViewer, UnitID: 9, UnitPath: "/8/9/"},
	}}
	if got := pol.Scopes(office, ActUnitWrite); !slices.Equal(got, []string{city}) {
		t.Errorf("office write scopes: got %v, want [%s]", got, city)
	}
	if got := pol.Scopes(office, ActUnitRead); !slices.Equal(got, []string{city, "/8/9/"}) {
		t.Errorf("office read scopes: got %v, want [%s /8/9/]", got, city)
	}
	cadre := &Actor{UserID: 2, PersonID: 77, Grants: []Grant{{Role: RoleCadre, UnitID: 3, UnitPath: county}}}
	s := pol.Scope(cadre, ActUnitRead)
	if s.All || len(s.Subtrees) != 0 || !slices.Equal(s.Units, []string{county}) || s.Self {
		t.Errorf("cadre unit read scope: got %+v, want only unit %s", s, county)
	}
	if !s.Contains(county) || s.Contains(township) {
		t.Errorf("cadre scope contains county %v (want true), township %v (want false)", s.Contains(county), s.Contains(township))
	}
	if got := pol.Scopes(cadre, ActUnitRead); len(got) != 0 {
		t.Errorf("cadre prefixes: got %v, want none (a unit is not a prefix)", got)
	}
	if s := pol.Scope(cadre, ActPersonRead); !s.Self || len(s.Units) != 0 || len(s.Subtrees) != 0 {
		t.Errorf("cadre person read scope: got %+v, want Self only", s)
	}
	if got := pol.Scopes(SystemActor("x"), ActAuditRead); !slices.Equal(got, []string{"/"}) {
		t.Errorf("system scopes: got %v, want [/]", got)
	}
	if s := pol.Scope(nil, ActUnitRead); !s.Empty() {
		t.Errorf("nil actor scope: got %+v, want empty", s)
	}
	if s := pol.Scope(&Actor{UserID: 3, Grants: []Grant{{Role: RoleTeam, UnitID: 3, UnitPath: county}}}, ActUserManage); !s.Empty() {
		t.Errorf("team manage scope: got %+v, want empty", s)
	}
}

func TestCommonPath(t *testing.T) {
	tests := []struct {
		paths []string
		want  string
	}{
		{nil, "/"},
		{[]string{county}, county},
		{[]string{county, township}, county},
		{[]string{county, sibling}, city},
		{[]string{"/1/2/33/", "/1/2/34/"}, city},
		{[]string{"/1/", "/7/"}, "/"},
	}
	for _, tt := range tests {
		if got := CommonPath(tt.paths); got != tt.want {
			t.Errorf("CommonPath(%v): got %s, want %s", tt.paths, got, tt.want)
		}
	}
}

// TestEveryActionHasAKind fails when an action is in no kind and not one
// of the few that refuse a kind of work rather than an object: a new
// action must say which objects it acts on, or a refusal of it would tell
// a prober that an object exists (decision 0161).
func TestEveryActionHasAKind(t *testing.T) {
	work := []Action{ActAuditRead, ActCollectStatus}
	for _, a := range Actions() {
		_, ok := kindOf[a]
		if ok == slices.Contains(work, a) {
			t.Errorf("%s: in a kind %v, a kind of work %v; want exactly one", a, ok, slices.Contains(work, a))
		}
	}
}
