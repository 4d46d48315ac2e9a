package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
	"kaohe/internal/org"
	"kaohe/internal/survey"
)

// personShowData is the content of the cadre page.
type personShowData struct {
	Name    string
	Facts   []fact
	Current []postRow
	History []postRow
	// Results are the cadre's published results across cycles (实绩档案);
	// TeamResults those of the leadership teams it is a member of now,
	// named by Teams. Both as far as the actor may read them.
	Results     archiveView
	TeamResults archiveView
	Teams       string
	// Evaluations are the closed evaluations that rated the cadre
	// (民主测评结果), as far as the actor may see them.
	Evaluations []evalPanel
	// Findings are the supervision findings that name the cadre, as far
	// as the actor reads them (a cadre her own once notified); shown when
	// MayFindings, for who reads findings at all. MoreFindings links the
	// whole list when there are more.
	Findings     []findingRow
	MayFindings  bool
	MoreFindings string
	// Integrity is the cadre's integrity archive (廉政档案), nil for who
	// may not read it.
	Integrity *integrityView
	// Sanctions are the cadre's sanctions and their follow-ups, nil for
	// who may not read them — anyone but the cadre herself and the office.
	Sanctions *[]sanctionView
	// Outcome is the use of results and the as-of view (person_outcome.go),
	// nil for who may not read the archive; Career the unfit-for-post
	// check, adjustments and training (person_unfit.go).
	Outcome *personOutcomeView
	Career  *personCareerView
	// Track is the cadre's commitments and work ledger
	// (person_track.go), nil for who reads neither.
	Track *personTrackView
	// PDF links the archive printed as the page shows it (person_pdf.go),
	// "" where there is no browser to print with.
	PDF string
	// dims are the dimensions of the cadre's latest result.
	dims []cycle.Dimension
}

type fact struct{ Label, Value string }

type postRow struct {
	UnitID   int64
	Unit     string
	UnitLink bool
	Title    string
	Since    time.Time
	Until    time.Time
}

// personShow shows a cadre: personal facts, current posts and the post
// history.
func (h *Handler) personShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	pe, err := h.pathPerson(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	nav := "units"
	if pe.ID == a.PersonID {
		nav = "profile"
	}
	p := h.newPage(r, nav)
	data, err := h.personView(r, p, a, pe)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.Crumbs, err = h.crumbs(r.Context(), a, placePath(pe.Posts, pe.UnitID), true); err != nil {
		h.fail(w, r, err)
		return
	}
	p.Crumbs = append(p.Crumbs, crumb{Name: pe.Name})
	p.Title = pe.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "person_show", p)
}

// pathPerson reads the cadre the route's {id} names, as actor a may.
func (h *Handler) pathPerson(r *http.Request, a *auth.Actor) (*org.Person, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return h.org.Person(r.Context(), a, id)
}

// personView gathers what the cadre page shows of cadre pe to actor a,
// as of the request's ?asof= day: the page and its printed archive
// (person_pdf.go) show the same.
func (h *Handler) personView(r *http.Request, p *page, a *auth.Actor, pe *org.Person) (personShowData, error) {
	ctx := r.Context()
	data := personShowData{Name: pe.Name, Facts: []fact{
		{p.loc.T("person.gender"), p.loc.T("person.gender." + string(pe.Gender))},
		{p.loc.T("person.birth_date"), p.loc.Date(day(pe.BirthDate))},
		{p.loc.T("person.ethnicity"), pe.Ethnicity},
		{p.loc.T("person.party"), p.loc.T("person.party." + string(pe.Party))},
		{p.loc.T("person.education"), p.loc.T("person.education." + string(pe.Education))},
		{p.loc.T("person.unit"), pe.UnitName},
	}}
	for _, po := range pe.Posts {
		row := postRow{UnitID: po.UnitID, Unit: po.UnitName, Title: po.Title, Since: day(po.Start), Until: day(po.End),
			UnitLink: h.policy.Authorize(a, auth.ActUnitRead, po.UnitPath) == nil}
		if po.End == "" {
			data.Current = append(data.Current, row)
		}
		data.History = append(data.History, row)
	}
	if err := h.personArchive(ctx, p, a, pe, &data); err != nil {
		return data, err
	}
	if err := h.personFindings(ctx, p, a, pe.ID, &data); err != nil {
		return data, err
	}
	var err error
	if data.Integrity, err = h.personIntegrity(ctx, p, a, pe.ID); err != nil {
		return data, err
	}
	if data.Sanctions, err = h.personSanctions(ctx, p, a, pe.ID); err != nil {
		return data, err
	}
	if data.Evaluations, err = h.evalPanels(ctx, p, a, survey.SubjectCadre, pe.ID, nil); err != nil {
		return data, err
	}
	if err := h.personOutcome(ctx, r, p, a, pe.ID, &data); err != nil {
		return data, err
	}
	// As for the results above, the as-of view is for who reads the
	// archive; personOutcome has checked its day.
	asOf := ""
	if data.Outcome != nil {
		asOf = data.Outcome.AsOf
	}
	if data.Track, err = h.personTrack(ctx, p, a, pe.ID, asOf); err != nil {
		return data, err
	}
	// The as-of view shows what was known then; the check, adjustments and
	// training are today's.
	var paths []string
	for _, po := range pe.Posts {
		if po.End == "" {
			paths = append(paths, po.UnitPath)
		}
	}
	if data.Outcome != nil && data.Outcome.AsOf == "" {
		if data.Career, err = h.personCareer(ctx, p, a, pe.ID, paths, data.dims); err != nil {
			return data, err
		}
	}
	if h.printer.Available() {
		data.PDF = "/people/" + strconv.FormatInt(pe.ID, 10) + "/archive.pdf"
		if data.Outcome != nil && data.Outcome.AsOf != "" {
			data.PDF += "?asof=" + url.QueryEscape(data.Outcome.AsOf)
		}
	}
	return data, nil
}

// personArchive fills the published results of cadre pe and of the teams
// it is a member of now.
func (h *Handler) personArchive(ctx context.Context, p *page, a *auth.Actor, pe *org.Person, data *personShowData) error {
	own, err := h.cycle.Archive(ctx, a, cycle.ArchiveFilter{PersonID: pe.ID})
	if err != nil {
		return err
	}
	data.Results = archiveOf(p, "person", own)
	if len(own) > 0 {
		data.dims = own[0].Dimensions
	}
	var teams []*cycle.ArchiveEntry
	var names []string
	for _, po := range pe.Posts {
		if po.End != "" || !po.Team || slices.Contains(names, po.UnitName) {
			continue
		}
		es, err := h.cycle.Archive(ctx, a, cycle.ArchiveFilter{UnitID: po.UnitID})
		if err != nil {
			return err
		}
		if len(es) > 0 {
			teams = append(teams, es...)
			names = append(names, po.UnitName)
		}
	}
	data.TeamResults = archiveOf(p, "team", teams)
	data.Teams = strings.Join(names, p.loc.T("list.separator"))
	return nil
}

// placePath is the path of the unit a person is placed in, taken from the
// posts (which carry their units' paths); "" when no post names it.
func placePath(posts []*org.Post, unitID int64) string {
	for _, po := range posts {
		if po.UnitID == unitID {
			return po.UnitPath
		}
	}
	return ""
}

// personFindingsShown is how many findings the cadre page lists.
const personFindingsShown = 20

// personFindings fills the findings that name person id, for an actor who
// reads findings.
func (h *Handler) personFindings(ctx context.Context, p *page, a *auth.Actor, id int64, data *personShowData) error {
	if !p.Menu.Findings {
		return nil
	}
	list, err := h.finding.List(ctx, a, finding.Filter{PersonID: id, Limit: personFindingsShown})
	if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	data.MayFindings = true
	for _, fd := range list.Findings {
		data.Findings = append(data.Findings, h.findingRow(p, fd))
	}
	if list.Total > len(list.Findings) {
		data.MoreFindings = "/findings?person=" + strconv.FormatInt(id, 10)
	}
	return nil
}
