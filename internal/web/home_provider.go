package web

import (
	"kaohe/internal/collect"
)

// homeProviderData is a data provider's section of the home page: the
// requests for its items with values still to submit, by deadline, and
// those with values the office returned to it.
type homeProviderData struct {
	Due, Returned homeList
	// Overdue counts the requests of Due past their deadline; Sent back
	// adds up the values of Returned.
	Overdue, SentBack int
}

// homeProvider returns the home section of an actor who submits values
// without following collection (the office, which may submit too, has
// its own section), nil for any other.
func homeProvider(p *page, ts *collect.Tasks) *homeProviderData {
	if !p.Menu.Collect || p.Menu.CollectStatus {
		return nil
	}
	out := &homeProviderData{
		Due:      homeList{ID: "home-due-items", Title: p.loc.T("home.provider.due"), Count: p.loc.T("collect_status.missing")},
		Returned: homeList{ID: "home-returned", Title: p.loc.T("home.provider.returned"), Count: p.loc.T("collect_status.returned")},
	}
	for _, k := range ts.Submit {
		if k.Missing() > 0 {
			out.Due.Rows = append(out.Due.Rows, requestOf(k, k.Missing(), gridLink(k)))
			if k.Overdue {
				out.Overdue++
			}
		}
		if k.Returned > 0 {
			out.Returned.Rows = append(out.Returned.Rows, requestOf(k, k.Returned, gridLink(k)))
			out.SentBack += k.Returned
		}
	}
	return out
}
