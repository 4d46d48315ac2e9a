package api

import (
	"strconv"
	"time"

	"kaohe/internal/fieldwork"
)

// FieldTasks is the answer of GET /cycles/{id}/field: the cycle's
// entities in your scope with their field work.
type FieldTasks struct {
	Cycle Cycle       `json:"cycle"`
	Tasks []FieldTask `json:"tasks"`
	// Entities, Todo, Verified and Interviewed count the entities in
	// scope, whatever ?show= selects.
	Entities    int `json:"entities"`
	Todo        int `json:"todo"`
	Verified    int `json:"verified"`
	Interviewed int `json:"interviewed"`
	// Judgeable counts the qualitative indicators the team judges.
	Judgeable int `json:"judgeable"`
}

// FieldTask is one entity of a task list.
type FieldTask struct {
	Entity        string `json:"entity"`
	Name          string `json:"name"`
	UnitID        string `json:"unit_id"`
	PersonID      string `json:"person_id,omitempty"`
	Verifications int    `json:"verifications"`
	// Interviews is absent for a reader who may not read interviews.
	Interviews *int `json:"interviews,omitempty"`
	Judged     int  `json:"judged"`
}

// FieldRecord is the answer of GET /cycles/{id}/field/{entity}.
type FieldRecord struct {
	Cycle         Cycle          `json:"cycle"`
	Entity        string         `json:"entity"`
	Name          string         `json:"name"`
	Verifications []Verification `json:"verifications"`
	// Interviews is absent for a reader who may not read interviews.
	Interviews *[]Interview `json:"interviews,omitempty"`
	Judgements []Judgement  `json:"judgements"`
}

// Verification is a field verification (实地核查).
type Verification struct {
	ID        string `json:"id"`
	CheckedOn string `json:"checked_on"`
	Checked   string `json:"checked"`
	Finding   string `json:"finding"`
	// Item, Period, Previous, Found and Corrected describe the value
	// verified, when there was one.
	Item      string         `json:"item,omitempty"`
	Period    string         `json:"period,omitempty"`
	Previous  *float64       `json:"previous,omitempty"`
	Found     *float64       `json:"found,omitempty"`
	Corrected bool           `json:"corrected"`
	Reason    string         `json:"reason,omitempty"`
	Recorder  string         `json:"recorder"`
	Created   time.Time      `json:"created_at"`
	Files     []EvidenceFile `json:"files"`
}

// EvidenceFile describes a verification's file; the pages serve it at
// /field/evidence/{id}.
type EvidenceFile struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Interview is an individual interview (个别谈话).
type Interview struct {
	ID          string    `json:"id"`
	PersonID    string    `json:"person_id"`
	Person      string    `json:"person"`
	HeldOn      string    `json:"held_on"`
	Interviewer string    `json:"interviewer"`
	Notes       string    `json:"notes"`
	Recorder    string    `json:"recorder"`
	Created     time.Time `json:"created_at"`
}

// Judgement is the team's judgement (定性评价) of a qualitative indicator.
type Judgement struct {
	Indicator string    `json:"indicator"`
	Grade     string    `json:"grade,omitempty"`
	Value     float64   `json:"value"`
	Basis     string    `json:"basis"`
	Recorder  string    `json:"recorder"`
	Updated   time.Time `json:"updated_at"`
}

// VerificationIn is the body of POST /cycles/{id}/field/{entity}/verifications.
type VerificationIn struct {
	CheckedOn string `json:"checked_on"`
	Checked   string `json:"checked"`
	Finding   string `json:"finding"`
	Item      string `json:"item,omitempty"`
	// Value is the value found, as written.
	Value  string   `json:"value,omitempty"`
	Reason string   `json:"reason,omitempty"`
	Files  []FileIn `json:"files,omitempty"`
}

// FileIn is an evidence file, its content in base64.
type FileIn struct {
	Name    string `json:"name"`
	Content []byte `json:"content"`
}

// InterviewIn is the body of POST /cycles/{id}/field/{entity}/interviews.
type InterviewIn struct {
	PersonID    string `json:"person_id"`
	HeldOn      string `json:"held_on"`
	Interviewer string `json:"interviewer"`
	Notes       string `json:"notes"`
}

// JudgementsIn is the body of POST /cycles/{id}/field/{entity}/judgements.
type JudgementsIn struct {
	Judgements []JudgementIn `json:"judgements"`
}

// JudgementIn judges one indicator by a grade or a score.
type JudgementIn struct {
	Indicator string   `json:"indicator"`
	Grade     string   `json:"grade,omitempty"`
	Score     *float64 `json:"score,omitempty"`
	Basis     string   `json:"basis"`
}

func toVerification(v *fieldwork.Verification) Verification {
	out := Verification{ID: strconv.FormatInt(v.ID, 10), CheckedOn: v.CheckedOn, Checked: v.Checked, Finding: v.Finding,
		Item: v.Item, Period: v.Period, Previous: v.Previous, Found: v.Found, Corrected: v.Corrected, Reason: v.Reason,
		Recorder: v.Recorder, Created: v.CreatedAt, Files: []EvidenceFile{}}
	for _, f := range v.Files {
		out.Files = append(out.Files, EvidenceFile{ID: strconv.FormatInt(f.ID, 10), Name: f.Name, Type: f.ContentType, Size: f.Size, SHA256: f.SHA256})
	}
	return out
}

func toInterview(iv *fieldwork.Interview) Interview {
	return Interview{ID: strconv.FormatInt(iv.ID, 10), PersonID: strconv.FormatInt(iv.PersonID, 10), Person: iv.Person, HeldOn: iv.HeldOn,
		Interviewer: iv.Interviewer, Notes: iv.Notes, Recorder: iv.Recorder, Created: iv.CreatedAt}
}

func toJudgement(j *fieldwork.Judgement) Judgement {
	return Judgement{Indicator: j.Indicator, Grade: j.Grade, Value: j.Value, Basis: j.Basis, Recorder: j.Recorder, Updated: j.UpdatedAt}
}
